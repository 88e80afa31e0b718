import type { MigrationInterface, QueryRunner } from 'typeorm';
import { compactObservationStatements } from '../timeseries/observation-rows-schema';
import { installedTimeSeriesMode } from '../timeseries/timeseries-schema';
import { queryRunnerSql } from '../timeseries/sql-client';

/**
 * Issue 11, lean storage: observations move to compact rows keyed by small integers (`observation_rows` and its
 * four dictionaries), `observations` becomes a view of the same shape, and the hourly trend is kept on the keys
 * (`observation_hourly_rows`, replacing `observation_hourly`). Every stored row is copied, in this migration's
 * transaction, on TimescaleDB (hypertable, compression and continuous aggregate again) and on the partitioned
 * tables alike. The DDL is in `observation-rows-schema.ts`; decision 0005 item 18 and docs/performance.md give
 * the bytes per row before and after.
 *
 * Not reversible: `down` refuses (restore the backup taken before upgrading instead); the rows it would have to
 * rebuild are the same rows, and a migration that can lose rows on the way back is worse than none.
 */
export class CompactObservationRows1764800000000 implements MigrationInterface {
  name = 'CompactObservationRows1764800000000';

  async up(q: QueryRunner): Promise<void> {
    const sql = queryRunnerSql(q);
    const mode = await installedTimeSeriesMode(sql);
    if (!mode) throw new Error('the observations table is missing: the time-series migration has not run');
    for (const statement of compactObservationStatements(mode)) await q.query(statement);
  }

  async down(): Promise<void> {
    throw new Error(
      'CompactObservationRows1764800000000 cannot be reverted: restore the database from a backup taken before the upgrade',
    );
  }
}
