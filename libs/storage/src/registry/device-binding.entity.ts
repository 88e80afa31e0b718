import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A device bound to a patient for [validFrom, validTo); validTo null means still bound. */
@Entity({ name: 'device_bindings' })
export class DeviceBindingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'device_id', type: 'text' })
  deviceId!: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo!: Date | null;

  @Column({ name: 'bound_by', type: 'text', nullable: true })
  boundBy!: string | null;

  @Column({ name: 'unbound_by', type: 'text', nullable: true })
  unboundBy!: string | null;
}
