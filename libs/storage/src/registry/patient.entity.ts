import type { MonitoringSchedule, OxygenPrescription, PersonalThreshold } from '@vigil/alerting';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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

  @Column({ name: 'oxygen_prescription', type: 'jsonb', nullable: true })
  oxygenPrescription!: OxygenPrescription | null;

  @Column({ name: 'admitted_at', type: 'timestamptz' })
  admittedAt!: Date;

  @Column({ name: 'discharged_at', type: 'timestamptz', nullable: true })
  dischargedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export type { MonitoringSchedule, PersonalThreshold };
