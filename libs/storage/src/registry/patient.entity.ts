import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A personalised threshold set by a clinician, e.g. SpO2 below 88 for a COPD patient. */
export interface PersonalThreshold {
  parameter: string;
  /** Alert when the value is below `below` or above `above`. */
  below?: number;
  above?: number;
  setBy: string;
  setAt: string;
  note?: string;
}

/** Which parameters a patient must send and how often (overdue-reading rule). */
export interface MonitoringSchedule {
  requiredParameters?: string[];
  intervalMinutes?: number;
  graceMinutes?: number;
  /** How long a reading counts as current for scoring. */
  freshnessMinutes?: number;
}

@Entity({ name: 'patients' })
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'nhs_number', type: 'char', length: 10 })
  nhsNumber!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @Column({ name: 'ward_id', type: 'uuid' })
  wardId!: string;

  @Column({ name: 'spo2_scale', type: 'smallint' })
  spo2Scale!: 1 | 2;

  @Column({ type: 'text' })
  pathway!: string;

  @Column({ type: 'jsonb' })
  monitoring!: MonitoringSchedule;

  @Column({ type: 'jsonb' })
  thresholds!: PersonalThreshold[];

  @Column({ name: 'admitted_at', type: 'timestamptz' })
  admittedAt!: Date;

  @Column({ name: 'discharged_at', type: 'timestamptz', nullable: true })
  dischargedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
