import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { CanonicalObservation } from '@vigil/contracts';
import { ObservationsRepository, type SqlClient, timeSeriesSchemaStatements } from '../../src/index';

/** A SqlClient backed by PGlite + TimescaleDB running in a child process (see the .cjs for why). */
function startPglite(): { sql: SqlClient; stop: () => void } {
  const child: ChildProcess = fork(join(__dirname, '../support/pglite-timescale-server.cjs'), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; rows?: unknown[]; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.rows ?? []);
  });
  return {
    sql: {
      query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
        const id = next++;
        return new Promise<T[]>((resolve, reject) => {
          pending.set(id, { resolve: (rows) => resolve(rows as T[]), reject });
          child.send({ id, sql, params: params ? [...params] : [] });
        });
      },
    },
    stop: () => child.disconnect(),
  };
}

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

/**
 * The TimescaleDB flavour of the time-series DDL, on PGlite with TimescaleDB 2.23 (SPEC §2): the real
 * PostgreSQL here has no TimescaleDB. Runs the same statements the migration runs, in one transaction
 * as the migration does.
 */
describe('time-series storage on TimescaleDB (PGlite)', () => {
  let sql: SqlClient;
  let stop: () => void;
  const observations = new ObservationsRepository();

  beforeAll(async () => {
    ({ sql, stop } = startPglite());
    await sql.query('BEGIN');
    for (const statement of timeSeriesSchemaStatements('timescale')) await sql.query(statement);
    await sql.query('COMMIT');
  }, 60_000);

  afterAll(() => {
    stop?.();
  });

  it('creates hypertables with compression policies and an hourly continuous aggregate', async () => {
    const hypertables = await sql.query<{ hypertable_name: string; compression_enabled: boolean }>(
      `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1`,
    );
    expect(hypertables).toEqual([
      { hypertable_name: 'news2_scores', compression_enabled: true },
      { hypertable_name: 'observations', compression_enabled: true },
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
    expect(cagg).toEqual({ view_name: 'observation_hourly', materialized_only: false });
  });

  it('HZ-04 writes idempotently into the hypertable and reads the trend from the aggregate', async () => {
    const batch = [obs(0, 70), obs(20, 80), obs(40, 90), obs(61, 100)].map((observation) => ({
      observation,
      retrospective: false,
    }));
    expect((await observations.insertMany(sql, batch)).size).toBe(4);
    expect((await observations.insertMany(sql, batch)).size).toBe(0);
    // Materialise the first hour; the second comes from real-time aggregation of the raw rows.
    await sql.query(
      `CALL refresh_continuous_aggregate('observation_hourly', '2026-11-25T09:00:00Z', '2026-11-25T10:00:00Z')`,
    );
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
    const latest = await observations.latestPerParameter(sql, [PATIENT], new Date('2026-11-24T00:00:00Z'));
    expect(latest.map((l) => l.observationId)).toEqual(['hr-1:61:0']);
    // No partition function on TimescaleDB: chunks are created by the extension.
    expect(await observations.ensurePartitions(sql, new Date())).toBe(0);
  });
});
