import { hasContinuousHourlyTrend } from './observation-rows-schema';
import type { SqlClient } from './sql-client';
import { installedTimeSeriesMode, type TimeSeriesMode } from './timeseries-schema';

/** What {@link applyTimeSeriesRetention} did. */
export interface RetentionResult {
  mode: TimeSeriesMode;
  /** Days kept. */
  days: number;
  /** Partitioned path: the month partitions dropped (wholly older than the cut-off). */
  droppedPartitions: string[];
  /** Partitioned path: rows deleted from the DEFAULT partitions. */
  deletedDefaultRows: number;
}

const TABLES = [
  { table: 'observation_rows', column: 'measured_at' },
  { table: 'news2_scores', column: 'scored_at' },
] as const;

/**
 * Keeps `days` of observations and NEWS2 scores (set by configuration, `TIMESERIES_RETENTION_DAYS`; unset
 * means keep everything, and this is not called).
 *
 * - TimescaleDB: a retention policy per hypertable (`add_retention_policy`), replacing any earlier one, so
 *   TimescaleDB drops whole chunks in the background.
 * - Native partitions: drops the month partitions that end before the cut-off and deletes older rows from
 *   the DEFAULT partitions, now. The caller repeats it (daily) to keep the bound.
 *
 * Run it in one transaction: several instances may boot at once, and an advisory lock serialises them.
 */
export async function applyTimeSeriesRetention(
  tx: SqlClient,
  days: number,
  now: Date = new Date(),
): Promise<RetentionResult> {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`retention must be whole days ≥ 1, got ${days}`);
  const mode = await installedTimeSeriesMode(tx);
  if (!mode) throw new Error('the time-series tables do not exist yet: run the migrations first');
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('vigil_time_series_retention'))`);
  const result: RetentionResult = { mode, days, droppedPartitions: [], deletedDefaultRows: 0 };
  if (mode === 'timescale') {
    for (const { table } of TABLES) {
      await tx.query(`SELECT remove_retention_policy($1::regclass, if_exists => true)`, [table]);
      await tx.query(`SELECT add_retention_policy($1::regclass, drop_after => make_interval(days => $2))`, [
        table,
        days,
      ]);
    }
    // The hourly trend's refresh must not reach what retention drops (it would empty those hours).
    await refreshHourlyTrendFrom(tx, days);
    if (await hasContinuousHourlyTrend(tx)) {
      // The trend's materialised hours are the patients' readings too (average, lowest, highest): they go when
      // the rows they summarise go, not kept for ever below the refresh window. A grouped view on PostgreSQL.
      await tx.query(`SELECT remove_retention_policy('observation_hourly_rows', if_exists => true)`);
      await tx.query(
        `SELECT add_retention_policy('observation_hourly_rows', drop_after => make_interval(days => $1))`,
        [days],
      );
    }
    return result;
  }
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  for (const { table, column } of TABLES) {
    const partitions = await tx.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [table],
    );
    for (const { name } of partitions) {
      const month = new RegExp(`^${table}_p(\\d{4})_(\\d{2})$`).exec(name);
      if (!month) continue;
      const end = new Date(Date.UTC(Number(month[1]), Number(month[2]), 1)); // first day of the next month
      if (end.getTime() <= cutoff.getTime()) {
        await tx.query(`DROP TABLE ${quoteIdent(name)}`);
        result.droppedPartitions.push(name);
      }
    }
    const deleted = await tx.query<{ n: string }>(
      `WITH gone AS (DELETE FROM ${quoteIdent(`${table}_default`)} WHERE ${column} < $1 RETURNING 1)
       SELECT count(*)::text AS n FROM gone`,
      [cutoff.toISOString()],
    );
    result.deletedDefaultRows += Number(deleted[0]?.n ?? 0);
  }
  return result;
}

/**
 * How often the hourly trend's refresh policy runs (TimescaleDB): the longest a reading that arrives late, into
 * an hour already materialised (a hub's store-and-forward backlog, a scale synced after days away), stays out of
 * the trend chart. It was 30 minutes, long enough for a nurse to read a gap as "no readings then". A run
 * recomputes only the hours that late rows invalidated and the hour just completed, so frequent runs cost little.
 */
export const HOURLY_TREND_REFRESH_EVERY = '1 minute';

/**
 * Sets the refresh policy of the hourly trend (`observation_hourly_rows`, TimescaleDB's continuous aggregate):
 * hours from `days` ago (null: from the start of the data) up to the last hour, every
 * {@link HOURLY_TREND_REFRESH_EVERY}. A refresh recomputes only hours whose rows changed, so a long window costs
 * little; it lets a reading that arrived days late into the trend. Does nothing where the trend is not a
 * continuous aggregate (plain PostgreSQL).
 */
export async function refreshHourlyTrendFrom(sql: SqlClient, days: number | null): Promise<void> {
  if (!(await hasContinuousHourlyTrend(sql))) return;
  await sql.query(`SELECT remove_continuous_aggregate_policy('observation_hourly_rows', if_exists => true)`);
  await sql.query(
    `SELECT add_continuous_aggregate_policy('observation_hourly_rows',
       start_offset => CASE WHEN $1::int IS NULL THEN NULL ELSE make_interval(days => $1::int) END,
       end_offset => INTERVAL '1 hour', schedule_interval => $2::interval)`,
    [days, HOURLY_TREND_REFRESH_EVERY],
  );
}

/** Names here come from the catalogue and match a fixed pattern; quoting still keeps them inert. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
