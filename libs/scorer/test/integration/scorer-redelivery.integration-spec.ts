import type { DataSource } from 'typeorm';
import { nhsNumberCheckDigit } from '@vigil/clinical';
import {
  type AlertsStreamEvent,
  type Parameter,
  streamTopics,
  type VitalsStreamEvent,
  vitalsStreamKey,
} from '@vigil/contracts';
import { insertDeadLetters, openDatabase, PatientsRepository, SqlDatabase } from '@vigil/storage';
import { InProcessStream, type StreamErrorContext } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import {
  type AlertsPublisher,
  OUTBOX_GRACE_MS,
  ScorerService,
  subscribeScorer,
  subscribeScorerDeadLetters,
} from '../../src/index';
import { observation } from '../support/observation';

const T0 = Date.parse('2026-11-25T06:00:00Z');

/** A red score (respiratory rate 7 scores 3) with a fall: two alert episodes, one NEWS2 score. */
/** A red score (one clinical alert) and a fall (a second, sent to the CCC at once: R6) — 3 audit rows. */
function alarmingBatch(patientId: string): VitalsStreamEvent[] {
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
  return vitals.map(([p, v]) => observation(patientId, p, v, T0));
}

describe('scorer crash between database commit and stream acknowledgement (real in-process stream)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let patients: PatientsRepository;
  let wardId: string;
  let now = T0 + 60_000;
  const clock = () => new Date(now);
  let nhsSeed = 943476500;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Redelivery ward')).id;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function admit(): Promise<string> {
    let nhsNumber: string | null = null;
    while (!nhsNumber) {
      const nine = String(nhsSeed++);
      const check = nhsNumberCheckDigit(nine);
      if (check !== null) nhsNumber = `${nine}${check}`;
    }
    return (await patients.admit({ nhsNumber, givenName: 'Test', familyName: 'Replay', wardId })).id;
  }

  async function counts(patientId: string): Promise<number[]> {
    const [row] = await sql.query<{ o: string; s: string; a: string; au: string }>(
      `SELECT (SELECT count(*) FROM observations WHERE patient_id = $1) AS o,
              (SELECT count(*) FROM news2_scores WHERE patient_id = $1) AS s,
              (SELECT count(*) FROM alerts WHERE patient_id = $1) AS a,
              (SELECT count(*) FROM alert_audit au JOIN alerts al ON al.id = au.alert_id WHERE al.patient_id = $1) AS au`,
      [patientId],
    );
    return [Number(row.o), Number(row.s), Number(row.a), Number(row.au)];
  }

  function publishBatch(stream: InProcessStream, events: VitalsStreamEvent[]): Promise<void> {
    return stream.publish(
      streamTopics.observations,
      events.map((value) => ({ key: vitalsStreamKey(value), value })),
    );
  }

  it('HZ-04 a scorer whose publish fails after its commit keeps the batch (no redelivery, no duplicate) and its outbox relay sends the events once', async () => {
    const patientId = await admit();
    const failures: StreamErrorContext[] = [];
    const stream = new InProcessStream({
      partitions: 2,
      retry: { initialDelayMs: 10 },
      onError: (_error, context) => failures.push(context),
    });
    const published: AlertsStreamEvent[] = [];
    let calls = 0;
    // The commit has happened when the scorer publishes its events; dying here is the worst moment.
    const crashOnce: AlertsPublisher = async (events) => {
      calls += 1;
      if (calls === 1) throw new Error('process died after the commit');
      published.push(...events);
    };
    const scorer = new ScorerService(sql, crashOnce, { clock });
    const subscription = await subscribeScorer(stream, scorer, (records) => insertDeadLetters(sql, records));
    try {
      // The batch is durable with its events in the outbox: the failed publish is not a batch failure.
      await publishBatch(stream, alarmingBatch(patientId));
      expect(failures).toEqual([]);
      expect(await counts(patientId)).toEqual([8, 1, 2, 3]);
      expect(published).toEqual([]);
      expect(scorer.hasOutboxBacklog()).toBe(true);
      // The outbox relay sends the alert events the failed publish would have sent, once. The score update is
      // not in the outbox (issue 11): it announced a stored score, which consoles refetch on reconnect.
      now += OUTBOX_GRACE_MS + 1;
      expect(await scorer.relayOutbox()).toBe(2);
      expect(published.map((e) => e.type).sort()).toEqual(['alert.opened', 'alert.opened']);
      expect(await scorer.relayOutbox()).toBe(0);
    } finally {
      await subscription.close();
      await stream.close();
    }
  });

  it('HZ-04 a scorer killed after its commit hands the unacknowledged batch to the next instance, which stores no duplicate', async () => {
    const patientId = await admit();
    const stream = new InProcessStream({ partitions: 2, onError: () => undefined });
    let committed!: () => void;
    const afterCommit = new Promise<void>((r) => (committed = r));
    let kill!: (error: Error) => void;
    // The first instance commits, then never acknowledges: it dies there.
    const dies: AlertsPublisher = () => {
      committed();
      return new Promise<void>((_resolve, reject) => (kill = reject));
    };
    const dying = new ScorerService(sql, dies, { clock });
    const handle = dying.handleBatch.bind(dying);
    // A killed process never acknowledges, whatever its publish did.
    dying.handleBatch = async (events) => {
      await handle(events);
      throw new Error('SIGKILL: died before the stream acknowledged');
    };
    const first = await subscribeScorer(stream, dying, (records) => insertDeadLetters(sql, records));
    const delivered = publishBatch(stream, alarmingBatch(patientId));
    await afterCommit;
    expect(await counts(patientId)).toEqual([8, 1, 2, 3]);
    const gone = first.close();
    kill(new Error('SIGKILL'));
    await gone;

    const published: AlertsStreamEvent[] = [];
    let deliveries = 0;
    const restarted = new ScorerService(
      sql,
      async (events) => {
        published.push(...events);
      },
      { clock },
    );
    const original = restarted.handleBatch.bind(restarted);
    restarted.handleBatch = (events) => {
      deliveries += 1;
      return original(events);
    };
    const second = await subscribeScorer(stream, restarted, (records) => insertDeadLetters(sql, records));
    try {
      await delivered;
      expect(deliveries).toBe(1);
      expect(await counts(patientId)).toEqual([8, 1, 2, 3]);
      // The redelivery found everything stored and raised nothing twice...
      expect(published).toEqual([]);
      // ...and the dead instance's events, left in the outbox, are relayed by the next one (HZ-04 residual closed).
      now += OUTBOX_GRACE_MS + 1;
      expect(await restarted.relayOutbox()).toBe(2); // the two alert events; score updates skip the outbox
      expect(
        published
          .filter((e) => e.type === 'alert.opened')
          .map((e) => e.type === 'alert.opened' && e.alert.ruleId)
          .sort(),
      ).toEqual(['deterioration', 'fall']);
    } finally {
      await second.close();
      await stream.close();
    }
  });
  it('HZ-01 HZ-13 an invalid vitals event and a record the scorer keeps failing on are kept as dead letters; the readings behind them are scored', async () => {
    const patientId = await admit();
    // One partition: the bad records sit in front of the good reading behind them.
    const stream = new InProcessStream({
      partitions: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      onError: () => undefined,
    });
    const scorer = new ScorerService(sql, async () => undefined, { clock });
    const poison = observation(patientId, 'heartRate', 71, T0 + 1000);
    const real = scorer.handleBatch.bind(scorer);
    let poisonAttempts = 0;
    // A scorer bug that only this record triggers (not the database's fault: never retried for ever).
    scorer.handleBatch = async (events) => {
      if (events.some((e) => JSON.stringify(e) === JSON.stringify(poison))) {
        poisonAttempts += 1;
        throw new TypeError('a scorer bug this record triggers');
      }
      return real(events);
    };
    const keep = (records: Parameters<typeof insertDeadLetters>[1]) => insertDeadLetters(sql, records);
    const scoring = await subscribeScorer(stream, scorer, keep);
    const keeping = await subscribeScorerDeadLetters(stream, keep);
    try {
      const key = patientId;
      // Each publish resolves only once its record is handled or kept: none is acknowledged and dropped.
      await Promise.all([
        stream.publish(streamTopics.observations, [
          { key, value: observation(patientId, 'spo2', 97, T0) },
          {
            key,
            value: { type: 'readings', patientId, deviceId: 'dev-\u0000broken', observations: 'not a list' },
          },
          { key, value: poison },
          // Normal: no alert is left in the outbox for the other tests' relays to find.
          { key, value: observation(patientId, 'respiratoryRate', 16, T0 + 2000) },
        ]),
      ]);
      expect(await counts(patientId)).toEqual([2, 2, 0, 0]);
      // Five deliveries in its batch, then five alone (SCORER_MAX_ATTEMPTS).
      expect(poisonAttempts).toBe(10);
      const kept = await sql.query<{
        reason: string;
        device_id: string | null;
        detail: string;
        raw: Buffer;
        topic: string;
      }>(
        `SELECT reason, device_id, detail, raw, topic FROM dead_letters WHERE raw::text LIKE '%' || $1 || '%' ORDER BY detail`,
        [Buffer.from(patientId).toString('hex')],
      );
      expect(kept.map((k) => [k.reason, k.topic, k.device_id])).toEqual([
        // PostgreSQL text holds no NUL: kept spelled out, never a refused insert that would hold the partition.
        ['unprocessable', 'vitals.observations', 'dev-\\u0000broken'],
        ['unprocessable', 'vitals.observations', `dev-${patientId.slice(0, 8)}-heartRate`],
      ]);
      expect(kept[0].detail).toMatch(/^not a valid vitals event \(partition 0, offset 1\)/);
      expect(kept[1].detail).toMatch(
        /failed on this record 5 times alone .*offset 2.*a scorer bug this record triggers/,
      );
      expect(JSON.parse(kept[1].raw.toString('utf8'))).toEqual(poison);
    } finally {
      await scoring.close();
      await keeping.close();
      await stream.close();
    }
  });

  async function outboxMarks(patientId: string): Promise<(string | null)[]> {
    const rows = await sql.query<{ published_at: Date | null }>(
      `SELECT published_at FROM alert_outbox WHERE event -> 'alert' ->> 'patientId' = $1 ORDER BY id`,
      [patientId],
    );
    return rows.map((r) => r.published_at?.toISOString() ?? null);
  }

  it('HZ-04 the outbox rows of published events are marked in the next batch’s transaction, none of their own', async () => {
    const patientId = await admit();
    const other = await admit();
    const published: AlertsStreamEvent[] = [];
    const scorer = new ScorerService(sql, async (events) => void published.push(...events), {
      clock,
      markPublishedDelayMs: 60_000,
    });
    const firstAt = new Date(now);
    await scorer.handleBatch(alarmingBatch(patientId));
    expect(published.filter((e) => e.type === 'alert.opened')).toHaveLength(2);
    // Published, not yet marked: no transaction was spent on it.
    expect(await outboxMarks(patientId)).toEqual([null, null]);
    now += 1000;
    const secondAt = new Date(now);
    await scorer.handleBatch([observation(other, 'heartRate', 70, T0)]);
    // Marked by the second batch's transaction (its clock), not at the first's.
    expect(await outboxMarks(patientId)).toEqual([secondAt.toISOString(), secondAt.toISOString()]);
    expect(secondAt).not.toEqual(firstAt);
    // Nothing left for the relay to send again.
    now += OUTBOX_GRACE_MS + 1;
    expect(await scorer.relayOutbox()).toBe(0);
  });

  it('HZ-04 with no batch to carry them, published events are marked on their own within the delay, and the relay sends none again', async () => {
    const patientId = await admit();
    const other = await admit();
    const published: AlertsStreamEvent[] = [];
    const quick = new ScorerService(sql, async (events) => void published.push(...events), {
      clock,
      markPublishedDelayMs: 20,
    });
    await quick.handleBatch(alarmingBatch(patientId));
    const deadline = Date.now() + 5000;
    while ((await outboxMarks(patientId)).includes(null) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect((await outboxMarks(patientId)).every((m) => m !== null)).toBe(true);
    // A relay that comes before the timer marks what is waiting first: it sends nothing twice.
    const slow = new ScorerService(sql, async (events) => void published.push(...events), {
      clock,
      markPublishedDelayMs: 60_000,
    });
    await slow.handleBatch(alarmingBatch(other));
    expect(await outboxMarks(other)).toEqual([null, null]);
    const before = published.length;
    now += OUTBOX_GRACE_MS + 1;
    expect(await slow.relayOutbox()).toBe(0);
    expect(published.length).toBe(before);
    expect((await outboxMarks(other)).every((m) => m !== null)).toBe(true);
  });
});
