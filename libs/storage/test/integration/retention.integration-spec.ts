import type { DataSource } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_FLAVOUR, type TestDatabase } from '@vigil/testing';
import {
  applyTimeSeriesRetention,
  MIGRATIONS,
  ObservationsRepository,
  openDatabase,
  refreshWaitingOutScheduler,
  SqlDatabase,
} from '../../src/index';

const timescale = TEST_DATABASE_FLAVOUR === 'timescaledb';
const PATIENT = '5b7c1e9a-2d3f-4a51-8e6b-9c0d1e2f3a4b';

async function insertObservation(sql: SqlDatabase, id: string, measuredAt: string): Promise<void> {
  await sql.transaction((tx) =>
    new ObservationsRepository().insertMany(tx, [
      {
        retrospective: false,
        observation: {
          id,
          patientId: PATIENT,
          deviceId: 'ox-9',
          parameter: 'spo2',
          value: 95,
          valueCode: null,
          unit: '%',
          loinc: null,
          mdc: null,
          original: null,
          measuredAt,
          receivedAt: measuredAt,
          source: 'json',
          messageId: id,
          seq: null,
          detail: null,
          enteredBy: null,
        },
      },
    ]),
  );
}

describe(`time-series retention from configuration (${TEST_DATABASE_FLAVOUR})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 3 });
    sql = new SqlDatabase(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('refuses a retention that is not whole days', async () => {
    await expect(sql.transaction((tx) => applyTimeSeriesRetention(tx, 0))).rejects.toThrow(RangeError);
  });

  if (timescale) {
    it('sets one retention policy per hypertable, and a new setting replaces it', async () => {
      const policies = () =>
        sql.query<{ hypertable_name: string; drop_after: string }>(
          `SELECT hypertable_name, config->>'drop_after' AS drop_after FROM timescaledb_information.jobs
           WHERE proc_name = 'policy_retention' ORDER BY 1`,
        );
      expect(await policies()).toEqual([]);
      // Without a retention the trend's refresh reaches back to the start of the data (late readings, issue 11),
      // and runs every minute, so a late reading is out of the chart for a minute, not half an hour.
      const refreshPolicy = () =>
        sql.query<{ start_offset: string | null; every: string }>(
          `SELECT config->>'start_offset' AS start_offset, schedule_interval::text AS every
             FROM timescaledb_information.jobs
            WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'observation_hourly_rows'`,
        );
      expect(await refreshPolicy()).toEqual([{ start_offset: null, every: '00:01:00' }]);
      const result = await sql.transaction((tx) => applyTimeSeriesRetention(tx, 400));
      expect(result).toMatchObject({ mode: 'timescale', days: 400 });
      // The hourly trend (the continuous aggregate) is bounded too: its hours summarise the same readings.
      expect(await policies()).toEqual([
        { hypertable_name: 'news2_scores', drop_after: '400 days' },
        { hypertable_name: 'observation_hourly_rows', drop_after: '400 days' },
        { hypertable_name: 'observation_rows', drop_after: '400 days' },
      ]);
      await sql.transaction((tx) => applyTimeSeriesRetention(tx, 90));
      expect(await policies()).toEqual([
        { hypertable_name: 'news2_scores', drop_after: '90 days' },
        { hypertable_name: 'observation_hourly_rows', drop_after: '90 days' },
        { hypertable_name: 'observation_rows', drop_after: '90 days' },
      ]);
      // The hourly trend's refresh stops where retention drops rows (it would empty those hours otherwise).
      expect(await refreshPolicy()).toEqual([{ start_offset: '90 days', every: '00:01:00' }]);
    });

    it('openDatabase applies TIMESERIES_RETENTION_DAYS given as retentionDays', async () => {
      const again = await openDatabase({ url: db.url, poolSize: 1, retentionDays: 30 });
      await again.destroy();
      const [policy] = await sql.query<{ drop_after: string }>(
        `SELECT config->>'drop_after' AS drop_after FROM timescaledb_information.jobs
         WHERE proc_name = 'policy_retention' AND hypertable_name = 'observation_rows'`,
      );
      expect(policy.drop_after).toBe('30 days');
    });

    it('the hourly trend keeps no hour past the retention: the retention jobs drop the readings and the hours that summarise them', async () => {
      // The scheduler's own runs of these jobs (retention, the trend's refresh) would race the steps below: pause
      // them, wait out any run under way, and run them by hand.
      await sql.query(
        `SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs
          WHERE proc_name IN ('policy_retention', 'policy_refresh_continuous_aggregate')`,
      );
      for (const deadline = Date.now() + 30_000; ;) {
        const [{ running }] = await sql.query<{ running: number }>(
          `SELECT count(*)::int AS running FROM timescaledb_information.job_stats s
             JOIN timescaledb_information.jobs j USING (job_id)
            WHERE j.proc_name IN ('policy_retention', 'policy_refresh_continuous_aggregate')
              AND s.job_status = 'Running'`,
        );
        if (running === 0) break;
        if (Date.now() > deadline) throw new Error('a TimescaleDB job kept running for 30 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const hour = 3_600_000;
      const old = new Date(Math.floor((Date.now() - 100 * 86_400_000) / hour) * hour + 60_000);
      const recent = new Date(Math.floor((Date.now() - 2 * 86_400_000) / hour) * hour + 60_000);
      await insertObservation(sql, 'old-trend', old.toISOString());
      await insertObservation(sql, 'recent-trend', recent.toISOString());
      // Materialise both hours (as the refresh policy did before the retention was set, or a manual refresh).
      await refreshWaitingOutScheduler(() =>
        sql.query(
          `CALL refresh_continuous_aggregate('observation_hourly_rows', NULL, now() - INTERVAL '1 hour')`,
        ),
      );
      const trend = async () =>
        (
          await new ObservationsRepository().hourlyTrend(
            sql,
            PATIENT,
            'spo2',
            new Date(Date.now() - 200 * 86_400_000),
            new Date(),
          )
        ).map((b) => [b.bucket.toISOString(), b.readings]);
      const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / hour) * hour).toISOString();
      expect(await trend()).toEqual([
        [hourOf(old), 1],
        [hourOf(recent), 1],
      ]);
      // Retention is 30 days (the test above): run its jobs now rather than wait for the scheduler.
      const jobs = await sql.query<{ job_id: number }>(
        `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' ORDER BY job_id`,
      );
      expect(jobs).toHaveLength(3);
      for (const { job_id } of jobs) await sql.query(`CALL run_job($1)`, [job_id]);
      const ids = await sql.query<{ id: string }>(`SELECT id FROM observations WHERE patient_id = $1`, [
        PATIENT,
      ]);
      expect(ids).toEqual([{ id: 'recent-trend' }]);
      // Without the aggregate's own policy the old hour stayed in the chart, materialised, months past its rows.
      expect(await trend()).toEqual([[hourOf(recent), 1]]);
    });

    it('migration 1764900000000 makes an existing half-hourly trend refresh run every minute, its window kept', async () => {
      const policy = () =>
        sql.query<{ start_offset: string | null; every: string }>(
          `SELECT config->>'start_offset' AS start_offset, schedule_interval::text AS every
             FROM timescaledb_information.jobs
            WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'observation_hourly_rows'`,
        );
      await sql.query(
        `SELECT alter_job(job_id, schedule_interval => INTERVAL '30 minutes') FROM timescaledb_information.jobs
          WHERE proc_name = 'policy_refresh_continuous_aggregate'`,
      );
      expect(await policy()).toEqual([{ start_offset: '30 days', every: '00:30:00' }]);
      const Migration = MIGRATIONS.find((m) => m.name === 'HourlyTrendRefreshEveryMinute1764900000000');
      const runner = ds.createQueryRunner();
      try {
        await new Migration!().up(runner);
      } finally {
        await runner.release();
      }
      expect(await policy()).toEqual([{ start_offset: '30 days', every: '00:01:00' }]);
    });
  } else {
    it('drops the month partitions wholly older than the cut-off and old rows of DEFAULT, keeping the rest', async () => {
      await sql.query(
        `SELECT vigil_ensure_time_partitions('observation_rows', 'measured_at', '2025-01-01', '2025-03-01')`,
      );
      await insertObservation(sql, 'jan', '2025-01-15T10:00:00Z'); // January partition
      await insertObservation(sql, 'feb', '2025-02-27T10:00:00Z'); // February partition, inside retention
      await insertObservation(sql, 'old', '2019-06-01T10:00:00Z'); // no partition: DEFAULT
      const now = new Date('2025-03-10T00:00:00Z');
      // 30 days before now is 2025-02-08: January ends before it, February does not.
      const result = await sql.transaction((tx) => applyTimeSeriesRetention(tx, 30, now));
      expect(result.mode).toBe('partitioned');
      expect(result.droppedPartitions).toContain('observation_rows_p2025_01');
      expect(result.droppedPartitions).not.toContain('observation_rows_p2025_02');
      expect(result.deletedDefaultRows).toBe(1);
      const left = await sql.query<{ id: string }>(
        `SELECT id FROM observations WHERE patient_id = $1 ORDER BY id`,
        [PATIENT],
      );
      expect(left.map((r) => r.id)).toEqual(['feb']);
      const [jan] = await sql.query<{ t: string | null }>(
        `SELECT to_regclass('observation_rows_p2025_01')::text AS t`,
      );
      expect(jan.t).toBeNull();
    });
  }
});
