import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'device_id', type: 'text', nullable: true })
  deviceId!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  detail!: string;

  @Column({ name: 'measurement_index', type: 'integer', nullable: true })
  measurementIndex!: number | null;

  /** The payload, or its first `DEAD_LETTER_RAW_PREFIX_BYTES` bytes. */
  @Column({ type: 'bytea' })
  raw!: Buffer;

  /** Size of the whole payload, bytes. */
  @Column({ name: 'raw_size', type: 'integer' })
  rawSize!: number;

  /** SHA-256 of the whole payload (null: refused by the broker before it was read). */
  @Column({ name: 'raw_sha256', type: 'bytea', nullable: true })
  rawSha256!: Buffer | null;
}
