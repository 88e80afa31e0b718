import type { DataSource } from 'typeorm';
import type { CanonicalObservation } from '@vigil/contracts';
import { createTestDatabase, TEST_DATABASE_FLAVOUR, type TestDatabase } from '@vigil/testing';
import {
  detectTimeSeriesMode,
  ObservationsRepository,
  openDatabase,
  ScoresRepository,
  SqlDatabase,
} from '../../src/index';

const PATIENT = '2f1d1a3c-8d2e-4a43-9d61-0b7a9c1e2f30';

function obs(i: number, over: Partial<CanonicalObservation> = {}): CanonicalObservation {
  const measuredAt = new Date(Date.UTC(2026, 10, 25, 10, 0, i)).toISOString();
  return {
    id: `ox-1:${i}:0`,
    patientId: PATIENT,
    deviceId: 'ox-1',
    parameter: 'spo2',
    value: 90 + (i % 8),
    valueCode: null,
    unit: '%',
    loinc: '59408-5',
    mdc: 'MDC_PULS_OXIM_SAT_O2',
    original: null,
    measuredAt,
    receivedAt: measuredAt,
    source: 'json',
    messageId: `ox-1:${i}`,
    seq: i,
    detail: null,
    enteredBy: null,
    ...over,
  };
}

const timescale = TEST_DATABASE_FLAVOUR === 'timescaledb';

describe(`time-series storage on the real ${timescale ? 'TimescaleDB (hypertables)' : 'PostgreSQL (partitioned path)'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  const observations = new ObservationsRepository();
  const scores = new ScoresRepository();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  // Flavour-specific cases are registered for their flavour only (not skipped on the other).
  const partitionedIt = (name: string, fn: () => Promise<void>): void => {
    if (!timescale) it(name, fn);
  };
  const timescaleIt = (name: string, fn: () => Promise<void>): void => {
    if (timescale) it(name, fn);
  };

  timescaleIt('uses hypertables here, with no partition function', async () => {
    expect(await detectTimeSeriesMode(sql)).toBe('timescale');
    const hypertables = await sql.query<{ hypertable_name: string }>(
      `SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`,
    );
    expect(hypertables.map((h) => h.hypertable_name)).toEqual(['news2_scores', 'observation_rows']);
    expect(await observations.ensurePartitions(sql, new Date())).toBe(0);
  });

  partitionedIt(
    'uses native partitioning here, with a DEFAULT partition and partitions ahead of now',
    async () => {
      expect(await detectTimeSeriesMode(sql)).toBe('partitioned');
      const parts = await sql.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'observation_rows'::regclass ORDER BY 1`,
      );
      const names = parts.map((p) => p.name);
      expect(names).toContain('observation_rows_default');
      const now = new Date();
      const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
      expect(names).toContain(
        `observation_rows_p${ahead.getUTCFullYear()}_${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`,
      );
    },
  );

  it('HZ-04 writes a batch in one statement and a replay inserts nothing twice', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({ observation: obs(i), retrospective: i === 3 }));
    const first = await sql.transaction((tx) => observations.insertMany(tx, batch));
    expect(first.size).toBe(50);
    const again = await sql.transaction((tx) => observations.insertMany(tx, batch));
    expect(again.size).toBe(0);
    // Same device, parameter and time under another message id (a re-sent message): still one row.
    const resent = await sql.transaction((tx) =>
      observations.insertMany(tx, [
        { observation: obs(7, { id: 'ox-1:999:0', seq: 999 }), retrospective: false },
      ]),
    );
    expect(resent.size).toBe(0);
    // Told apart from a replay, so the scorer can say so (nothing absorbed silently).
    const held = await sql.transaction((tx) =>
      observations.heldUnderOtherIds(tx, [obs(7, { id: 'ox-1:999:0', seq: 999 }), obs(8)]),
    );
    expect([...held]).toEqual([['ox-1:999:0', 'ox-1:7:0']]);
    const stored = await observations.listForPatient(
      sql,
      PATIENT,
      new Date('2026-11-25T00:00:00Z'),
      new Date('2026-11-26T00:00:00Z'),
    );
    expect(stored).toHaveLength(50);
    expect(stored.filter((s) => s.retrospective).map((s) => s.observationId)).toEqual(['ox-1:3:0']);
  });

  it('HZ-04 an observation without a device (entered or reported) is deduplicated on its id and time', async () => {
    const manual = obs(30, {
      id: 'manual:m-30:0',
      patientId: '0f6b2a1c-3d4e-4f50-8a6b-7c8d9e0f1a2b',
      deviceId: null,
      source: 'manual',
      seq: null,
    });
    const first = await sql.transaction((tx) =>
      observations.insertMany(tx, [{ observation: manual, retrospective: false }]),
    );
    const again = await sql.transaction((tx) =>
      observations.insertMany(tx, [{ observation: manual, retrospective: false }]),
    );
    expect([first.size, again.size]).toEqual([1, 0]);
  });

  timescaleIt('accepts a reading years old: TimescaleDB makes its chunk', async () => {
    const old = obs(1, { id: 'old:1', deviceId: 'old', measuredAt: '2019-03-04T05:06:07Z' });
    const stored = await sql.transaction((tx) =>
      observations.insertMany(tx, [{ observation: old, retrospective: false }]),
    );
    expect(stored.size).toBe(1);
    const [chunk] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM timescaledb_information.chunks
       WHERE hypertable_name = 'observation_rows' AND range_start <= '2019-03-04' AND range_end > '2019-03-04'`,
    );
    expect(Number(chunk.n)).toBe(1);
  });

  partitionedIt(
    'never refuses a reading far outside the partitions, and moves it when its partition is created',
    async () => {
      const old = obs(1, { id: 'old:1', deviceId: 'old', measuredAt: '2019-03-04T05:06:07Z' });
      expect(
        (
          await sql.transaction((tx) =>
            observations.insertMany(tx, [{ observation: old, retrospective: false }]),
          )
        ).size,
      ).toBe(1);
      const [inDefault] = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM observation_rows_default`,
      );
      expect(Number(inDefault.n)).toBe(1);
      await sql.query(
        `SELECT vigil_ensure_time_partitions('observation_rows', 'measured_at', '2019-03-01', '2019-04-01')`,
      );
      const [moved] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM observation_rows_p2019_03`);
      expect(Number(moved.n)).toBe(1);
      const [left] = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM observation_rows_default WHERE id = 'old:1'`,
      );
      expect(Number(left.n)).toBe(0);
      expect(await observations.ensurePartitions(sql, new Date('2019-03-10T00:00:00Z'), 1)).toBeGreaterThan(
        0,
      );
    },
  );

  it('reads the latest value per parameter, the state at an event time and the hourly trend', async () => {
    const since = new Date('2026-11-24T00:00:00Z');
    const [latest] = await sql.transaction((tx) => observations.latestPerParameter(tx, [PATIENT], since));
    expect(latest).toMatchObject({ parameter: 'spo2', observationId: 'ox-1:49:0' });
    const at = await sql.transaction((tx) =>
      observations.stateAt(tx, PATIENT, new Date(Date.UTC(2026, 10, 25, 10, 0, 10)), 60_000),
    );
    expect(at.map((a) => a.observationId)).toEqual(['ox-1:10:0']);
    const trend = await observations.hourlyTrend(
      sql,
      PATIENT,
      'spo2',
      new Date('2026-11-25T00:00:00Z'),
      new Date('2026-11-26T00:00:00Z'),
    );
    expect(trend).toHaveLength(1);
    expect(trend[0]).toMatchObject({ readings: 50, min: 90, max: 97 });
    expect(trend[0].bucket.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('HZ-04 stores scores idempotently, with retrospective and partial kept', async () => {
    const score = {
      total: 3,
      band: 'low' as const,
      partial: true,
      missing: ['respiratoryRate'],
      redScore: false,
      perParameter: { spo2: 3 },
      scorerVersion: 'news2@1',
      scoredAt: '2026-11-25T10:00:49.000Z',
      retrospective: true,
      spo2Scale: 1 as const,
      range: null,
      oxygenSource: 'unknown' as const,
    };
    const first = await sql.transaction((tx) =>
      scores.insertMany(tx, [{ patientId: PATIENT, score, observationIds: ['ox-1:49:0'] }]),
    );
    expect(first.size).toBe(1);
    const again = await sql.transaction((tx) =>
      scores.insertMany(tx, [{ patientId: PATIENT, score, observationIds: ['ox-1:49:0'] }]),
    );
    expect(again.size).toBe(0);
    const stored = await scores.listForPatient(sql, PATIENT, new Date('2026-11-25'), new Date('2026-11-26'));
    expect(stored).toHaveLength(1);
    expect(stored[0].score).toEqual(score);
    expect(stored[0].observationIds).toEqual(['ox-1:49:0']);
  });
});
