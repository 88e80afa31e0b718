import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R12 (HZ-20): each device's learned clock offset (ingest's `ClockOffsets`), so that after a restart the
 * readings a broker redelivers in one burst are corrected by the offset learned from prompt messages, not
 * each by its own delayed receipt (which stamped them all with the moment of receipt and made distinct
 * readings collide on (device, parameter, measuredAt)). Written only when an estimate changes.
 */
export class AddDeviceClockOffsets1764600000000 implements MigrationInterface {
  name = 'AddDeviceClockOffsets1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE device_clock_offsets (
      device_id text PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
      offset_ms bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_clock_offsets`);
  }
}
