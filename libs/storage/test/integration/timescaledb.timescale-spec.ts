import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { CanonicalObservation } from '@vigil/contracts';
import {
  createTestDatabase,
  startPrivateTimescaleCluster,
  type PrivateTimescaleCluster,
  type TestDatabase,
} from '@vigil/testing';
import {
  describeTimeSeriesStorage,
  installedTimeSeriesMode,
  ObservationsRepository,
  openDatabase,
  refreshWaitingOutScheduler,
  SqlDatabase,
} from '../../src/index';

const PATIENT = '7a0e4a1e-3a8c-4e59-9a51-7c1a4b0f6c11';

function obs(minute: number, value: number): CanonicalObservation {
  const measuredAt = new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString();
  return {
    id: `hr-1:${minute}:0`,
    patientId: PATIENT,
    deviceId: 'hr-1',
    parameter: 'heartRate',
    value,
    valueCode: null,
    unit: '/min',
    loinc: '8867-4',
    mdc: null,
    original: null,
    measuredAt,
    receivedAt: measuredAt,
    source: 'json',
    messageId: `hr-1:${minute}`,
    seq: minute,
    detail: null,
    enteredBy: null,
  };
}

/** The real TimescaleDB 2.28 on PostgreSQL 15 (TEST_TIMESCALE_URL, jest.databases.cjs), all migrations. */
describe('time-series storage on TimescaleDB (real server)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  const observations = new ObservationsRepository();
  const logged: { details: Record<string, unknown>; message: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({
      url: db.url,
      poolSize: 3,
      log: (details, message) => logged.push({ details, message }),
    });
    sql = new SqlDatabase(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('creates hypertables with compression policies and an hourly continuous aggregate, and says so', async () => {
    const hypertables = await sql.query<{ hypertable_name: string; compression_enabled: boolean }>(
      `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1`,
    );
    expect(hypertables).toEqual([
      { hypertable_name: 'news2_scores', compression_enabled: true },
      { hypertable_name: 'observation_rows', compression_enabled: true },
    ]);
    const jobs = await sql.query<{ proc_name: string }>(
      `SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name IS NOT NULL ORDER BY 1`,
    );
    expect(jobs.map((j) => j.proc_name)).toEqual([
      'policy_compression',
      'policy_compression',
      'policy_refresh_continuous_aggregate',
    ]);
    const [cagg] = await sql.query<{ view_name: string; materialized_only: boolean }>(
      `SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates`,
    );
    expect(cagg).toEqual({ view_name: 'observation_hourly_rows', materialized_only: false });
    expect(logged).toEqual([
      {
        details: {
          mode: 'timescale',
          reason: expect.stringMatching(/^TimescaleDB is preloaded \(extension 2\./),
          fallback: false,
        },
        message: expect.stringMatching(/^time-series storage: timescale/),
      },
    ]);
  });

  it('HZ-04 writes idempotently into the hypertable and reads the trend from the continuous aggregate', async () => {
    // The refresh policy's scheduled runs would materialise hours this test keeps real-time: pause it, and wait
    // out a run already under way (a refresh of its own fails with "concurrent refresh" until that run is over).
    const [policy] = await sql.query<{ job_id: number }>(
      `SELECT job_id FROM timescaledb_information.jobs
        WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name IS NOT NULL`,
    );
    await sql.query(`SELECT alter_job($1, scheduled => false)`, [policy.job_id]);
    await refreshWaitingOutScheduler(() =>
      sql.query(`CALL refresh_continuous_aggregate('observation_hourly_rows', NULL, NULL)`),
    );
    const batch = [obs(0, 70), obs(20, 80), obs(40, 90), obs(61, 100)].map((observation) => ({
      observation,
      retrospective: false,
    }));
    expect((await sql.transaction((tx) => observations.insertMany(tx, batch))).size).toBe(4);
    expect((await sql.transaction((tx) => observations.insertMany(tx, batch))).size).toBe(0);
    // Materialise the first hour; the second comes from real-time aggregation of the raw rows.
    await refreshWaitingOutScheduler(() =>
      sql.query(
        `CALL refresh_continuous_aggregate('observation_hourly_rows', '2026-11-25T09:00:00Z', '2026-11-25T10:00:00Z')`,
      ),
    );
    const [mat] = await sql.query<{ schema: string; name: string }>(
      `SELECT materialization_hypertable_schema AS schema, materialization_hypertable_name AS name
       FROM timescaledb_information.continuous_aggregates WHERE view_name = 'observation_hourly_rows'`,
    );
    const [materialised] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${mat.schema}"."${mat.name}"`,
    );
    expect(Number(materialised.n)).toBe(1);
    const trend = await observations.hourlyTrend(
      sql,
      PATIENT,
      'heartRate',
      new Date('2026-11-25T00:00:00Z'),
      new Date('2026-11-26T00:00:00Z'),
    );
    expect(trend.map((t) => [t.bucket.toISOString(), t.avg, t.min, t.max, t.readings])).toEqual([
      ['2026-11-25T09:00:00.000Z', 80, 70, 90, 3],
      ['2026-11-25T10:00:00.000Z', 100, 100, 100, 1],
    ]);
    // No partition function on TimescaleDB: chunks are created by the extension.
    expect(await observations.ensurePartitions(sql, new Date())).toBe(0);
  });

  it('HZ-04 a replayed reading into a compressed chunk is still absorbed, a new one stored; only the time range is kept as a sparse index', async () => {
    const first = [obs(100, 71), obs(101, 72)].map((observation) => ({ observation, retrospective: false }));
    // A nurse's observation has no device: its id is its dedupe key.
    const nurse = {
      ...obs(102, 73),
      id: 'nurse-entry-1',
      deviceId: null,
      seq: null,
      source: 'manual' as const,
    };
    const rows = [...first, { observation: nurse, retrospective: false }];
    expect((await sql.transaction((tx) => observations.insertMany(tx, rows))).size).toBe(3);
    await sql.query(
      `SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('observation_rows') c`,
    );
    const [{ compressed }] = await sql.query<{ compressed: string }>(
      `SELECT count(*) AS compressed FROM timescaledb_information.chunks
        WHERE hypertable_name = 'observation_rows' AND is_compressed`,
    );
    expect(Number(compressed)).toBeGreaterThan(0);

    // The same readings again (a device's store-and-forward upload, weeks late): nothing new.
    expect((await sql.transaction((tx) => observations.insertMany(tx, rows))).size).toBe(0);
    // Another reading of the same device at a new time: stored into the compressed chunk's time range.
    const late = [{ observation: obs(103, 74), retrospective: false }];
    expect([...(await sql.transaction((tx) => observations.insertMany(tx, late)))]).toEqual(['hr-1:103:0']);
    const [{ n }] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM observations WHERE patient_id = $1 AND measured_at >= $2`,
      [PATIENT, new Date(Date.UTC(2026, 10, 25, 9, 100)).toISOString()],
    );
    expect(Number(n)).toBe(4);

    // Migration 1764800000000: the time range only; the segments already name the patient and parameter, and
    // no bloom filter is derived from the unique keys' other columns.
    const columns = await sql.query<{ attname: string }>(
      `SELECT a.attname FROM _timescaledb_catalog.chunk c1
         JOIN _timescaledb_catalog.chunk c2 ON c2.id = c1.compressed_chunk_id
         JOIN _timescaledb_catalog.hypertable h ON h.id = c1.hypertable_id
         JOIN pg_attribute a ON a.attrelid = format('%I.%I', c2.schema_name, c2.table_name)::regclass
        WHERE h.table_name = 'observation_rows' AND a.attname LIKE '\\_ts\\_meta\\_%' AND NOT a.attisdropped`,
    );
    const meta = [...new Set(columns.map((c) => c.attname))];
    expect(meta.filter((name) => /bloom/.test(name))).toEqual([]);
    expect(meta.some((name) => /^_ts_meta_min/.test(name))).toBe(true);
  });
});

/**
 * What an operator can get wrong (SPEC §2): a private cluster from the same TimescaleDB build, restarted with
 * each mistake. Every case must fall back to native partitioning, migrate cleanly and log why.
 */
describe('TimescaleDB detection falls back cleanly, with the reason logged', () => {
  let cluster: PrivateTimescaleCluster;

  beforeAll(async () => {
    cluster = await startPrivateTimescaleCluster({ preload: false });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  async function migrate(): Promise<{
    mode: string | null;
    extension: boolean;
    logged: { details: Record<string, unknown>; message: string }[];
  }> {
    const logged: { details: Record<string, unknown>; message: string }[] = [];
    const server = new URL(cluster.url);
    const db = `vigil_detect_${Date.now().toString(36)}`;
    const admin = await openAdmin(cluster.url);
    await admin.query(`CREATE DATABASE ${db}`);
    server.pathname = `/${db}`;
    const ds = await openDatabase({
      url: server.toString(),
      poolSize: 2,
      log: (details, message) => logged.push({ details, message }),
    });
    try {
      const sql = new SqlDatabase(ds);
      const [ext] = await sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
      // The fallback schema works: a reading goes in and reads back.
      await sql.transaction((tx) =>
        new ObservationsRepository().insertMany(tx, [{ observation: obs(5, 72), retrospective: false }]),
      );
      const [row] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM observations`);
      expect(Number(row.n)).toBe(1);
      return { mode: await installedTimeSeriesMode(sql), extension: ext !== undefined, logged };
    } finally {
      await ds.destroy();
      await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
      await admin.destroy();
    }
  }

  it('extension installed but not preloaded: partitions, and the log says to preload it', async () => {
    const result = await migrate();
    expect(result.mode).toBe('partitioned');
    expect(result.extension).toBe(false);
    expect(result.logged).toHaveLength(1);
    expect(result.logged[0].details).toEqual({
      mode: 'partitioned',
      reason: expect.stringContaining('installed but not preloaded'),
      fallback: true,
    });
  });

  it("Apache-only edition (timescaledb.license = 'apache'): partitions, extension dropped again, reason logged", async () => {
    await cluster.restart({ preload: true, license: 'apache' });
    const result = await migrate();
    expect(result.mode).toBe('partitioned');
    expect(result.extension).toBe(false);
    expect(result.logged[0].details).toEqual({
      mode: 'partitioned',
      reason: expect.stringContaining('Apache-only edition'),
      fallback: true,
    });
  }, 60_000);

  it('the same server preloaded with the full edition: hypertables', async () => {
    await cluster.restart({ preload: true });
    const result = await migrate();
    expect(result.mode).toBe('timescale');
    expect(result.extension).toBe(true);
  }, 60_000);

  it('describes a database created before TimescaleDB was usable as staying partitioned', async () => {
    await cluster.restart({ preload: false });
    const admin = await openAdmin(cluster.url);
    const db = `vigil_upgrade_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.destroy(); // the restart below would end it
    const url = new URL(cluster.url);
    url.pathname = `/${db}`;
    try {
      const before = await openDatabase({ url: url.toString(), poolSize: 1 });
      await before.destroy();
      await cluster.restart({ preload: true });
      const after = await openDatabase({ url: url.toString(), poolSize: 1 });
      try {
        expect(await describeTimeSeriesStorage(new SqlDatabase(after))).toEqual({
          mode: 'partitioned',
          reason: expect.stringContaining('stays partitioned'),
          fallback: true,
        });
      } finally {
        await after.destroy();
      }
    } finally {
      const again = await openAdmin(cluster.url);
      await again.query(`DROP DATABASE ${db} WITH (FORCE)`);
      await again.destroy();
    }
  }, 60_000);
});

async function openAdmin(
  url: string,
): Promise<{ query(sql: string): Promise<unknown>; destroy(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return { query: (text) => client.query(text), destroy: () => client.end() };
}
