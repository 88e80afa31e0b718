import type { MigrationInterface, QueryRunner } from 'typeorm';
import { timeSeriesSchemaStatements, type TimeSeriesMode } from '../timeseries/timeseries-schema';

/**
 * Observations and NEWS2 scores as time-series tables: TimescaleDB hypertables where the extension is
 * available, native monthly range partitions otherwise (SPEC §2). The DDL lives in
 * `timeseries-schema.ts` so the TimescaleDB flavour can be tested on PGlite, where the registry
 * migration (btree_gist) cannot run.
 */
export class CreateTimeSeries1764060000000 implements MigrationInterface {
  name = 'CreateTimeSeries1764060000000';

  async up(q: QueryRunner): Promise<void> {
    const available: unknown[] = await q.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`,
    );
    const mode: TimeSeriesMode = available.length > 0 ? 'timescale' : 'partitioned';
    for (const statement of timeSeriesSchemaStatements(mode)) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    const plainView: unknown[] = await q.query(
      `SELECT 1 FROM pg_views WHERE viewname = 'observation_hourly'`,
    );
    await q.query(
      plainView.length > 0
        ? `DROP VIEW observation_hourly`
        : `DROP MATERIALIZED VIEW IF EXISTS observation_hourly CASCADE`,
    );
    await q.query(`DROP TABLE IF EXISTS news2_scores CASCADE`);
    await q.query(`DROP TABLE IF EXISTS observations CASCADE`);
    await q.query(
      `DROP FUNCTION IF EXISTS vigil_ensure_time_partitions(text, text, timestamptz, timestamptz)`,
    );
  }
}
