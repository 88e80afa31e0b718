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

  @Column({ type: 'bytea' })
  raw!: Buffer;
}
