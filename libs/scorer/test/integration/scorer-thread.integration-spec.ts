import type { DataSource } from 'typeorm';
import {
  type AlertsStreamEvent,
  type Parameter,
  streamTopics,
  type VitalsStreamEvent,
  vitalsStreamKey,
} from '@vigil/contracts';
import { openDatabase, PatientsRepository, SqlDatabase } from '@vigil/storage';
import { InProcessStream } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type ScorerThread, startScorerThread } from '../../src/index';
import { observation } from '../support/observation';

/** A red score (respiratory rate 7 scores 3) and a fall, a minute ago: two alert episodes, one NEWS2 score. */
function alarmingBatch(patientId: string, at: number): VitalsStreamEvent[] {
  const vitals: [Parameter, number | string][] = [
    ['respiratoryRate', 7],
    ['spo2', 97],
    ['inspiredOxygen', 'air'],
    ['systolicBp', 125],
    ['heartRate', 72],
    ['consciousness', 'A'],
    ['temperature', 37],
    ['fall', 1],
  ];
  return vitals.map(([p, v]) => observation(patientId, p, v, at));
}

// The embedded runtime's scorer on its own worker thread (issue 11), run from the sources as a test does: the
// real stream on this thread, the real database, the real ScorerService on the other.
describe('the scorer on a worker thread', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let patients: PatientsRepository;
  let wardId: string;
  const nhs = ['9434765919', '9434765870', '9434765838'];

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Thread ward')).id;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function admit(): Promise<string> {
    const nhsNumber = nhs.shift() as string;
    return (await patients.admit({ nhsNumber, givenName: 'Test', familyName: 'Thread', wardId })).id;
  }

  async function counts(patientId: string): Promise<number[]> {
    const [row] = await sql.query<{ o: string; s: string; a: string }>(
      `SELECT (SELECT count(*) FROM observations WHERE patient_id = $1) AS o,
              (SELECT count(*) FROM news2_scores WHERE patient_id = $1) AS s,
              (SELECT count(*) FROM alerts WHERE patient_id = $1) AS a`,
      [patientId],
    );
    return [Number(row.o), Number(row.s), Number(row.a)];
  }

  function publish(stream: InProcessStream, events: VitalsStreamEvent[]): Promise<void> {
    return stream.publish(
      streamTopics.observations,
      events.map((value) => ({ key: vitalsStreamKey(value), value })),
    );
  }

  async function alertsOn(stream: InProcessStream): Promise<AlertsStreamEvent[]> {
    const events: AlertsStreamEvent[] = [];
    await stream.subscribe<AlertsStreamEvent>({
      topic: streamTopics.alerts,
      groupId: 'test-console',
      handle: async (batch) => {
        events.push(...batch.records.map((r) => r.value));
      },
    });
    return events;
  }

  it('HZ-03 HZ-04 scores what the main thread publishes, and a publish resolves only after the thread’s commit', async () => {
    const patientId = await admit();
    const stream = new InProcessStream({ partitions: 2 });
    const alerts = await alertsOn(stream);
    const failures: Error[] = [];
    const thread = await startScorerThread(stream, {
      databaseUrl: db.url,
      scorer: { timerIntervalMs: 60_000 },
      onFailure: (error) => failures.push(error),
    });
    try {
      await publish(stream, alarmingBatch(patientId, Date.now() - 60_000));
      // Durable before the publish resolved: the in-process stream waits for every group's commit.
      expect(await counts(patientId)).toEqual([8, 1, 2]);
      await until(() => alerts.filter((e) => e.type === 'alert.opened').length === 2);
      expect(alerts.flatMap((e) => (e.type === 'alert.opened' ? [e.alert.ruleId] : [])).sort()).toEqual([
        'deterioration',
        'fall',
      ]);
      expect(alerts.some((e) => e.type === 'score.updated' && e.patientId === patientId)).toBe(true);
    } finally {
      await thread.stop();
      await stream.close();
    }
    expect(failures).toEqual([]);
  });

  it('HZ-03 a scorer thread that dies is reported, and the readings it held go to the next scorer, stored once', async () => {
    const patientId = await admit();
    const stream = new InProcessStream({ partitions: 2, retry: { initialDelayMs: 10 } });
    // The api's part: in-process, a publish waits for the topic's first group.
    await alertsOn(stream);
    const failures: Error[] = [];
    let first: ScorerThread | null = await startScorerThread(stream, {
      databaseUrl: db.url,
      scorer: { timerIntervalMs: 60_000 },
      onFailure: (error) => failures.push(error),
    });
    let second: ScorerThread | null = null;
    try {
      const published = publish(stream, alarmingBatch(patientId, Date.now() - 60_000));
      // Killed at once: the batch is in flight on the thread, committed or not.
      await first.worker.terminate();
      first = null;
      await until(() => failures.length === 1);
      expect(failures[0].message).toMatch(/the scorer thread exited/);
      expect(stream.stats(streamTopics.observations)?.groups[0].subscribers).toBe(0);
      second = await startScorerThread(stream, {
        databaseUrl: db.url,
        scorer: { timerIntervalMs: 60_000 },
        onFailure: (error) => failures.push(error),
      });
      await published;
      expect(await counts(patientId)).toEqual([8, 1, 2]);
      expect(failures).toHaveLength(1);
    } finally {
      await second?.stop();
      await stream.close();
    }
  });

  it('a scorer thread that cannot reach its database fails to start, with the reason, and leaves no subscriber', async () => {
    const stream = new InProcessStream({ partitions: 2 });
    try {
      await expect(
        startScorerThread(stream, {
          databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere',
          scorer: {},
          onFailure: () => undefined,
        }),
      ).rejects.toThrow(/ECONNREFUSED|connect/);
      expect(stream.stats(streamTopics.observations)?.groups ?? []).toEqual([]);
    } finally {
      await stream.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
