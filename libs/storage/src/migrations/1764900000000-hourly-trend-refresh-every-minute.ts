import type { MigrationInterface, QueryRunner } from 'typeorm';
import { hasContinuousHourlyTrend } from '../timeseries/observation-rows-schema';
import { HOURLY_TREND_REFRESH_EVERY } from '../timeseries/retention';
import { queryRunnerSql, type SqlClient } from '../timeseries/sql-client';

/**
 * On TimescaleDB, a reading that arrives late into an hour the hourly trend has already materialised shows in
 * the trend only once the refresh policy runs again. The policy ran every 30 minutes; it now runs every
 * {@link HOURLY_TREND_REFRESH_EVERY}, its window (from the start of the data, or the retention's days) unchanged.
 * A no-op on plain PostgreSQL, where the trend is a view over the rows.
 */
export class HourlyTrendRefreshEveryMinute1764900000000 implements MigrationInterface {
  name = 'HourlyTrendRefreshEveryMinute1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await setRefreshInterval(queryRunnerSql(q), HOURLY_TREND_REFRESH_EVERY);
  }

  async down(q: QueryRunner): Promise<void> {
    await setRefreshInterval(queryRunnerSql(q), '30 minutes');
  }
}

async function setRefreshInterval(sql: SqlClient, every: string): Promise<void> {
  if (!(await hasContinuousHourlyTrend(sql))) return;
  await sql.query(
    `SELECT alter_job(job_id, schedule_interval => $1::interval) FROM timescaledb_information.jobs
      WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'observation_hourly_rows'`,
    [every],
  );
}
