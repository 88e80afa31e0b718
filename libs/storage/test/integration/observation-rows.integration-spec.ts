import { DataSource } from 'typeorm';
import type { CanonicalObservation } from '@vigil/contracts';
import {
  createTestDatabase,
  TEST_DATABASE_FLAVOUR,
  type TestDatabase,
} from '@vigil/testing';
import {
  MIGRATIONS,
  ObservationsRepository,
  openDatabase,
  refreshWaitingOutScheduler,
  SqlDatabase,
} from '../../src/index';

/**
 * Compact observation rows (issue 11, migration 1764800000000, `observation-rows-schema.ts`): rows keyed by
 * dictionaries behind an `observations` view. Run on plain PostgreSQL and on TimescaleDB (jest.databases.cjs).
 */
const PATIENT = '7d4c2b1a-0f9e-4d8c-b7a6-958473625140';
const OTHER = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

function obs(over: Partial<CanonicalObservation>): CanonicalObservation {
  const at = over.measuredAt ?? '2026-11-30T08:00:00.000Z';
  return {
    id: 'ox-7:1:0',
    patientId: PATIENT,
    deviceId: 'ox-7',
    parameter: 'spo2',
    value: 95,
    valueCode: null,
    unit: '%',
    loinc: null,
    mdc: 'MDC_PULS_OXIM_SAT_O2',
    original: null,
    measuredAt: at,
    receivedAt: at,
    source: 'json',
    messageId: 'ox-7:1',
    seq: 1,
    detail: null,
    enteredBy: null,
    ...over,
  };
}

/** Runs the hourly trend's refresh policy now (TimescaleDB), waiting out a run the scheduler already began. */
async function runRefreshPolicy(sql: SqlDatabase): Promise<void> {
  const [job] = await sql.query<{ job_id: number }>(
    `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'`,
  );
  await refreshWaitingOutScheduler(() => sql.query(`CALL run_job($1)`, [job.job_id]));
}

const COLUMNS = `id, patient_id, device_id, parameter, value, value_code, unit, mdc, original, measured_at, received_at,
  source, seq, detail, entered_by, retrospective`;

describe(`compact observation rows (${TEST_DATABASE_FLAVOUR})`, () => {
  const databases: TestDatabase[] = [];
  const sources: DataSource[] = [];

  afterAll(async () => {
    for (const s of sources) if (s.isInitialized) await s.destroy();
    for (const d of databases) await d.drop();
  });

  async function freshDatabase(): Promise<{ db: TestDatabase; sql: SqlDatabase }> {
    const db = await createTestDatabase();
    databases.push(db);
    const ds = await openDatabase({ url: db.url, poolSize: 4 });
    sources.push(ds);
    return { db, sql: new SqlDatabase(ds) };
  }

  it('HZ-03 HZ-04 HZ-07 the migration moves every stored observation field for field, keeps no text id for a device reading, a replay of a moved reading is still absorbed, and a reading weeks late still reaches the hourly trend', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    // The schema as it was before the compact rows, with rows in it.
    const before = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: MIGRATIONS.slice(
        0,
        MIGRATIONS.findIndex((m) => m.name === 'CompactObservationRows1764800000000'),
      ),
      migrationsTableName: 'schema_migrations',
      migrationsTransactionMode: 'each',
    });
    await before.initialize();
    sources.push(before);
    await before.runMigrations({ transaction: 'each' });
    const insert = `INSERT INTO observations (id, patient_id, device_id, parameter, value, value_code, unit, mdc,
      original, measured_at, received_at, source, seq, detail, entered_by, retrospective)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
    const old: unknown[][] = [
      // A converted temperature, flagged implausible, scored late.
      [
        'th-3:41:0',
        PATIENT,
        'th-3',
        'temperature',
        41.2,
        null,
        'Cel',
        'MDC_TEMP_BODY',
        '{"value":106.2,"unit":"[degF]"}',
        '2026-11-29T07:00:00Z',
        '2026-11-29T07:00:02Z',
        'json',
        41,
        '{"implausible":true}',
        null,
        true,
      ],
      // A blood pressure's second value (a sub-index position).
      [
        'bp-2:5:1.2',
        PATIENT,
        'bp-2',
        'diastolicBp',
        81,
        null,
        'mm[Hg]',
        null,
        null,
        '2026-11-29T07:05:00Z',
        '2026-11-29T07:05:01Z',
        'gatt-2a35',
        5,
        null,
        null,
        false,
      ],
      // Entered by a nurse: no device, a coded value.
      [
        'manual:m-1:0',
        OTHER,
        null,
        'consciousness',
        0,
        'A',
        '{score}',
        null,
        null,
        '2026-11-29T07:10:00Z',
        '2026-11-29T07:10:00Z',
        'manual',
        null,
        null,
        'nurse.ward3',
        false,
      ],
      // Two months old: on TimescaleDB its chunk is compressed by the migration; its hour must still chart.
      [
        'hr-1:7:0',
        PATIENT,
        'hr-1',
        'heartRate',
        70,
        null,
        '/min',
        null,
        null,
        '2026-10-01T09:30:00Z',
        '2026-10-01T09:30:00Z',
        'json',
        7,
        null,
        null,
        false,
      ],
      // A device reading whose id is not {device}:{seq}:{position}: kept as it is.
      [
        'legacy-7',
        OTHER,
        'ox-7',
        'spo2',
        93,
        null,
        '%',
        'MDC_PULS_OXIM_SAT_O2',
        null,
        '2026-11-29T07:15:00Z',
        '2026-11-29T07:15:00Z',
        'json',
        3,
        null,
        null,
        false,
      ],
    ];
    for (const row of old) await before.query(insert, row);
    const stored = await before.query(`SELECT ${COLUMNS} FROM observations ORDER BY id`);
    await before.destroy();

    const ds = await openDatabase({ url: db.url, poolSize: 2 });
    sources.push(ds);
    const sql = new SqlDatabase(ds);
    expect(await sql.query(`SELECT ${COLUMNS} FROM observations ORDER BY id`)).toEqual(stored);
    const compact = await sql.query(`SELECT id, seq, position FROM observation_rows ORDER BY measured_at`);
    expect(compact).toEqual([
      { id: null, seq: '7', position: '0' },
      { id: null, seq: '41', position: '0' },
      { id: null, seq: '5', position: '1.2' },
      { id: 'manual:m-1:0', seq: null, position: null },
      { id: 'legacy-7', seq: '3', position: null },
    ]);
    const repo = new ObservationsRepository();
    const replay = obs({
      id: 'th-3:41:0',
      deviceId: 'th-3',
      seq: 41,
      parameter: 'temperature',
      value: 41.2,
      unit: 'Cel',
      mdc: 'MDC_TEMP_BODY',
      measuredAt: '2026-11-29T07:00:00.000Z',
    });
    expect(
      (await sql.transaction((tx) => repo.insertMany(tx, [{ observation: replay, retrospective: false }])))
        .size,
    ).toBe(0);
    const [{ n }] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM observations`);
    expect(Number(n)).toBe(5);

    if (TEST_DATABASE_FLAVOUR === 'timescaledb') {
      const [chunk] = await sql.query<{ is_compressed: boolean }>(
        `SELECT is_compressed FROM timescaledb_information.chunks
          WHERE hypertable_name = 'observation_rows' AND range_start <= '2026-10-01' AND range_end > '2026-10-01'`,
      );
      expect(chunk).toEqual({ is_compressed: true });
      // The refresh policy runs (and moves the watermark to the last hour): the copied history must have been
      // materialised by then, or its trend would come back empty.
      await runRefreshPolicy(sql);
    }
    const trend = await repo.hourlyTrend(
      sql,
      PATIENT,
      'heartRate',
      new Date('2026-10-01T00:00:00Z'),
      new Date('2026-10-02T00:00:00Z'),
    );
    expect(trend.map((t) => [t.bucket.toISOString(), t.avg, t.readings])).toEqual([
      ['2026-10-01T09:00:00.000Z', 70, 1],
    ]);

    // A reading three weeks late (a hub's store-and-forward backlog) reaches the trend at the policy's next run.
    const late = new Date(Date.now() - 21 * 86_400_000);
    late.setUTCMinutes(30, 0, 0);
    await sql.transaction((tx) =>
      repo.insertMany(tx, [
        {
          observation: obs({
            id: 'hr-1:8:0',
            deviceId: 'hr-1',
            seq: 8,
            parameter: 'heartRate',
            value: 64,
            unit: '/min',
            mdc: null,
            measuredAt: late.toISOString(),
          }),
          retrospective: true,
        },
      ]),
    );
    if (TEST_DATABASE_FLAVOUR === 'timescaledb') await runRefreshPolicy(sql);
    const hour = new Date(late);
    hour.setUTCMinutes(0);
    const lateTrend = await repo.hourlyTrend(
      sql,
      PATIENT,
      'heartRate',
      hour,
      new Date(hour.getTime() + 3_600_000),
    );
    expect(lateTrend.map((t) => [t.bucket.toISOString(), t.avg, t.readings])).toEqual([
      [hour.toISOString(), 64, 1],
    ]);
  });

  it('HZ-05 a patient and device first named in a transaction that rolls back leave no remembered key: the next reading still lands on that patient', async () => {
    const { sql } = await freshDatabase();
    const repo = new ObservationsRepository();
    await expect(
      sql.transaction(async (tx) => {
        await repo.insertMany(tx, [{ observation: obs({}), retrospective: false }]);
        // A second call in the same transaction finds the names the first added: still not remembered.
        await repo.insertMany(tx, [
          {
            observation: obs({ id: 'ox-7:5:0', seq: 5, measuredAt: '2026-11-30T07:59:00.000Z' }),
            retrospective: false,
          },
        ]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Another instance names other things meanwhile (the identity sequences move on).
    await sql.transaction((tx) =>
      new ObservationsRepository().insertMany(tx, [
        {
          observation: obs({ id: 'ox-8:1:0', deviceId: 'ox-8', patientId: OTHER, messageId: 'ox-8:1' }),
          retrospective: false,
        },
      ]),
    );
    const stored = await sql.transaction((tx) =>
      repo.insertMany(tx, [
        {
          observation: obs({ id: 'ox-7:2:0', seq: 2, measuredAt: '2026-11-30T08:01:00.000Z' }),
          retrospective: false,
        },
      ]),
    );
    expect([...stored]).toEqual(['ox-7:2:0']);
    // Known now (committed): the next batch sends no dictionary statement, and still names the right patient.
    await sql.transaction((tx) =>
      repo.insertMany(tx, [
        {
          observation: obs({ id: 'ox-7:3:0', seq: 3, measuredAt: '2026-11-30T08:02:00.000Z' }),
          retrospective: false,
        },
      ]),
    );
    expect(
      await sql.query(`SELECT id, patient_id, device_id FROM observations ORDER BY measured_at`),
    ).toEqual([
      { id: 'ox-8:1:0', patient_id: OTHER, device_id: 'ox-8' },
      { id: 'ox-7:2:0', patient_id: PATIENT, device_id: 'ox-7' },
      { id: 'ox-7:3:0', patient_id: PATIENT, device_id: 'ox-7' },
    ]);
  });

  it('HZ-05 two instances naming the same new patient and device at once share one key each, and neither loses its reading', async () => {
    const { sql } = await freshDatabase();
    const [a, b] = [new ObservationsRepository(), new ObservationsRepository()];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = sql.transaction(async (tx) => {
      const ids = await a.insertMany(tx, [{ observation: obs({}), retrospective: false }]);
      firstWrote();
      await held; // uncommitted while the second instance names the same patient and device
      return ids;
    });
    await wrote;
    const second = sql.transaction((tx) =>
      b.insertMany(tx, [
        {
          observation: obs({ id: 'ox-7:9:0', seq: 9, measuredAt: '2026-11-30T08:09:00.000Z' }),
          retrospective: false,
        },
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // the second waits on the first's dictionary rows
    release();
    expect([...(await first), ...(await second)]).toEqual(['ox-7:1:0', 'ox-7:9:0']);
    const keys = await sql.query<{ patients: string; devices: string }>(
      `SELECT (SELECT count(*) FROM observation_patients) AS patients, (SELECT count(*) FROM observation_devices) AS devices`,
    );
    expect(keys).toEqual([{ patients: '1', devices: '1' }]);
    expect(
      await sql.query(`SELECT id, patient_id, device_id FROM observations ORDER BY measured_at`),
    ).toEqual([
      { id: 'ox-7:1:0', patient_id: PATIENT, device_id: 'ox-7' },
      { id: 'ox-7:9:0', patient_id: PATIENT, device_id: 'ox-7' },
    ]);
  });
});
