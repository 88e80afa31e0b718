import type { MigrationInterface, QueryRunner } from 'typeorm';
import { refreshHourlyTrendFrom } from '../timeseries/retention';
import { queryRunnerSql } from '../timeseries/sql-client';

/**
 * Issue 11 (found reviewing the compact rows): on TimescaleDB the hourly trend's refresh policy looked back only
 * 7 days. A reading that arrived later than that (a hub's store-and-forward backlog, a scale synced after a
 * fortnight away) was stored but fell below the continuous aggregate's watermark without being materialised, so
 * the trend never showed it. The policy now refreshes from the start of the data (`start_offset` NULL); a refresh
 * recomputes only the hours that late rows invalidated, so the runs stay cheap. Where a retention is set
 * (`TIMESERIES_RETENTION_DAYS`), `applyTimeSeriesRetention` bounds the policy to it, so a refresh never reaches
 * chunks retention dropped. A no-op on plain PostgreSQL, where the trend is a view over the rows.
 */
export class HourlyTrendTakesLateReadings1764800002000 implements MigrationInterface {
  name = 'HourlyTrendTakesLateReadings1764800002000';

  async up(q: QueryRunner): Promise<void> {
    await refreshHourlyTrendFrom(queryRunnerSql(q), null);
  }

  async down(q: QueryRunner): Promise<void> {
    await refreshHourlyTrendFrom(queryRunnerSql(q), 7);
  }
}
