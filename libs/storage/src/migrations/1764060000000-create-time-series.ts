import type { MigrationInterface, QueryRunner } from 'typeorm';
import { queryRunnerSql } from '../timeseries/sql-client';
import { chooseTimeSeriesMode, timeSeriesSchemaStatements } from '../timeseries/timeseries-schema';

/**
 * Observations and NEWS2 scores as time-series tables: TimescaleDB hypertables where the extension is
 * usable (preloaded, full edition), native monthly range partitions otherwise (SPEC §2). The DDL and the
 * detection live in `timeseries-schema.ts`.
 */
export class CreateTimeSeries1764060000000 implements MigrationInterface {
  name = 'CreateTimeSeries1764060000000';

  async up(q: QueryRunner): Promise<void> {
    // Detection was "available" alone until TimescaleDB ran in CI, which failed this migration on a server
    // with the extension installed but not preloaded; the schema it creates is unchanged.
    const sql = queryRunnerSql(q);
    const { mode } = await chooseTimeSeriesMode(sql);
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
