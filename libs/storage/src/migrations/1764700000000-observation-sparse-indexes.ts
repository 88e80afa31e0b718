import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, lean storage on TimescaleDB: the compressed observation chunks keep only the sparse indexes the
 * hot path and the charts use — a bloom filter on `device_id` (a replayed device reading's unique-key check on
 * a compressed chunk finds its segments by it) and min/max of `measured_at` (time ranges). TimescaleDB would
 * otherwise derive bloom filters from every btree index, including the partial `(id, measured_at)` key of
 * observations without a device (TimescaleDB ignores its predicate): three bloom columns, ~4 bytes per
 * compressed row for lookups nothing makes on month-old data. Measured with `npm run bench -- rows
 * postgres://postgres@127.0.0.1:5433/postgres`: 31.7 → 25.6 bytes per row after compression.
 * Chunks compressed before keep their filters until recompressed. A no-op on plain PostgreSQL, and on a
 * TimescaleDB without the `sparse_index` setting (before 2.22) it leaves the defaults and says so.
 */
export class ObservationSparseIndexes1764700000000 implements MigrationInterface {
  name = 'ObservationSparseIndexes1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sparseIndexes(`'bloom(device_id), minmax(measured_at)'`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sparseIndexes(`''`));
  }
}

function sparseIndexes(setting: string): string {
  return `DO $do$
BEGIN
  IF to_regclass('timescaledb_information.hypertables') IS NULL THEN RETURN; END IF;
  IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'observations') THEN
    RETURN;
  END IF;
  BEGIN
    EXECUTE $q$ALTER TABLE observations SET (timescaledb.sparse_index = ${setting})$q$;
  EXCEPTION WHEN invalid_parameter_value OR feature_not_supported OR undefined_object OR syntax_error THEN
    RAISE WARNING 'observations: sparse indexes left as TimescaleDB derives them (%)', SQLERRM;
  END;
END
$do$`;
}
