import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DEVICE_KINDS = [
  'blood-pressure',
  'pulse-oximeter',
  'thermometer',
  'falls-sensor',
  'hub',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export type DeviceStatusValue = 'active' | 'disabled' | 'retired';

@Entity({ name: 'devices' })
export class DeviceEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: DeviceKind;

  @Column({ type: 'text', nullable: true })
  serial!: string | null;

  /** argon2id hash of the device secret; the secret itself is shown once and never stored. */
  @Column({ name: 'credential_hash', type: 'text', select: false })
  credentialHash!: string;

  @Column({ type: 'text' })
  status!: DeviceStatusValue;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'real', nullable: true })
  battery!: number | null;

  @Column({ name: 'signal_dbm', type: 'real', nullable: true })
  signalDbm!: number | null;

  @Column({ type: 'text', nullable: true })
  firmware!: string | null;

  @Column({ name: 'provisioned_at', type: 'timestamptz' })
  provisionedAt!: Date;
}
