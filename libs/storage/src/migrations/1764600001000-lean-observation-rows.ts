import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, lean storage: a device reading no longer pays for a second unique index on its text id. Device
 * readings are deduplicated on (device_id, parameter, measured_at) (SPEC §3), which a replay of the same
 * message always meets; the (id, measured_at) key now covers only observations without a device (entered by a
 * nurse, reported by a patient), whose ids are their dedupe key. Nothing reads an observation by id alone.
 * `loinc` and `message_id` go: the LOINC code is the parameter's (`PARAMETER_DEFINITIONS`, used by the FHIR
 * export) and the message id is the observation id's `{device}:{seq}` prefix; nothing read them. On a
 * 1,000-reading run this took a row from ~392 bytes (heap and indexes) to ~216 (docs/performance.md).
 * Works on TimescaleDB hypertables (also with compressed chunks) and on the partitioned tables.
 */
export class LeanObservationRows1764600001000 implements MigrationInterface {
  name = 'LeanObservationRows1764600001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE observations DROP CONSTRAINT IF EXISTS uq_observations_id`);
    await q.query(
      `CREATE UNIQUE INDEX uq_observations_id_without_device ON observations (id, measured_at) WHERE device_id IS NULL`,
    );
    await q.query(`ALTER TABLE observations DROP COLUMN IF EXISTS loinc, DROP COLUMN IF EXISTS message_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE observations ADD COLUMN loinc text, ADD COLUMN message_id text`);
    await q.query(`DROP INDEX IF EXISTS uq_observations_id_without_device`);
    await q.query(`ALTER TABLE observations ADD CONSTRAINT uq_observations_id UNIQUE (id, measured_at)`);
  }
}
