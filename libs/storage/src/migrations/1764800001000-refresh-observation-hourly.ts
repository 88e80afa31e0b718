import type { MigrationInterface, QueryRunner } from 'typeorm';
import { hasContinuousHourlyTrend, refreshWaitingOutScheduler } from '../timeseries/observation-rows-schema';
import { queryRunnerSql } from '../timeseries/sql-client';

/**
 * Issue 11, compact rows: on TimescaleDB, materialises the hourly trend (`observation_hourly_rows`) over every
 * observation the compact-rows migration copied. That migration creates the continuous aggregate empty (inside
 * its transaction nothing else is allowed), and the refresh policy only ever looks back 7 days: once it has run,
 * the aggregate's real-time part starts at its watermark, so older hours would be in neither part and trends
 * older than a week would come back empty. A refresh cannot run in a transaction, hence a migration of its own
 * outside one; it is idempotent, so a start interrupted here simply refreshes again. A no-op on plain PostgreSQL
 * (a grouped view there) and on a database with no observations yet.
 */
export class RefreshObservationHourly1764800001000 implements MigrationInterface {
  name = 'RefreshObservationHourly1764800001000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    if (!(await hasContinuousHourlyTrend(queryRunnerSql(q)))) return;
    const [{ any }] = (await q.query(`SELECT EXISTS (SELECT 1 FROM observation_rows) AS any`)) as {
      any: boolean;
    }[];
    if (!any) return;
    // Up to the policy's end offset: the newest hour stays real-time, as the policy leaves it. The policy's own
    // first run may be refreshing at this moment (it starts soon after the aggregate is made): wait for it.
    await refreshWaitingOutScheduler(() =>
      q.query(`CALL refresh_continuous_aggregate('observation_hourly_rows', NULL, now() - INTERVAL '1 hour')`),
    );
  }

  async down(): Promise<void> {
    // Nothing to undo: materialised buckets are derived data.
  }
}
