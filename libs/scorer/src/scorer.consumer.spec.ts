import type { NewDeadLetter } from '@vigil/storage';
import { DEAD_LETTER_HEADERS, type StreamPort, type SubscribeOptions } from '@vigil/stream';
import {
  crossPartitionBatcher,
  type DeadLetterStore,
  isInfrastructureError,
  SCORER_MAX_BATCH_RECORDS,
  subscribeScorer,
  subscribeScorerDeadLetters,
} from './scorer.consumer';
import type { ScorerService } from './scorer.service';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isInfrastructureError (what the scorer waits out instead of dead-lettering)', () => {
  it.each([
    ['PostgreSQL connection failure', withCode('connection failure', '08006')],
    ['PostgreSQL admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL deadlock', withCode('deadlock detected', '40P01')],
    ['refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pg lost its connection', new Error('Connection terminated unexpectedly')],
    ['kafkajs', Object.assign(new Error('broker down'), { name: 'KafkaJSNumberOfRetriesExceeded' })],
    // The fault suite's database cut: the database closed to new connections while its backends are killed.
    [
      'HZ-14 a database closed to connections',
      withCode('database "vigil" is not currently accepting connections', '55000'),
    ],
    ['a lock not available in time', withCode('canceling statement due to lock timeout', '55P03')],
    ['HZ-14 a database that stopped answering (pg read timeout)', new Error('Query read timeout')],
    ['pg refusing a closed client', new Error('Client was closed and is not queryable')],
  ])('%s is transient', (_name, error) => {
    expect(isInfrastructureError(error)).toBe(true);
  });

  it.each([
    ['a constraint violation', withCode('null value in column', '23502')],
    ['invalid input', withCode('invalid input syntax for type uuid', '22P02')],
    ['another object-state error', withCode('cannot refresh materialized view concurrently', '55000')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'value')")],
    ['not an Error', 'boom'],
  ])('%s is the record’s own problem', (_name, error) => {
    expect(isInfrastructureError(error)).toBe(false);
  });
});

describe('crossPartitionBatcher (issue 11: one transaction for the batches of many partitions)', () => {
  const event = (patientId: string, n: number) =>
    ({
      type: 'pipeline-heartbeat',
      heartbeatId: `${patientId}:${n}`,
      emittedAt: '2026-12-05T00:00:00Z',
      source: patientId,
    }) as const;

  it('decides the batches that arrive together in one handleBatch, and acknowledges each after it', async () => {
    const calls: string[][] = [];
    const batcher = crossPartitionBatcher(
      {
        handleBatch: async (events) => {
          calls.push(events.map((e) => (e as { heartbeatId: string }).heartbeatId));
          return [];
        },
      },
      { lingerMs: 5 },
    );
    await Promise.all([batcher.submit([event('a', 1), event('a', 2)]), batcher.submit([event('b', 1)])]);
    expect(calls).toEqual([['a:1', 'a:2', 'b:1']]);
  });

  it("retries each partition's batch alone when the combined one fails for a record's own reason", async () => {
    const calls: number[] = [];
    const batcher = crossPartitionBatcher(
      {
        handleBatch: async (events) => {
          calls.push(events.length);
          if (events.some((e) => (e as { source: string }).source === 'bad'))
            throw new Error('a bug in one record');
          return [];
        },
      },
      { lingerMs: 5 },
    );
    const outcomes = await Promise.allSettled([
      batcher.submit([event('good', 1), event('good', 2)]),
      batcher.submit([event('bad', 1)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(calls).toEqual([3, 2, 1]);
  });

  it('fails every partition batch together when the database is away (retried, never dead-lettered alone)', async () => {
    const down = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    let calls = 0;
    const batcher = crossPartitionBatcher(
      {
        handleBatch: async () => {
          calls += 1;
          throw down;
        },
      },
      { lingerMs: 5 },
    );
    const outcomes = await Promise.allSettled([
      batcher.submit([event('a', 1)]),
      batcher.submit([event('b', 1)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
  });
});

describe('subscribeScorer (issue 11: the linger only where partition batches come together)', () => {
  const heartbeat = {
    type: 'pipeline-heartbeat',
    heartbeatId: 'h1',
    emittedAt: '2026-12-05T00:00:00Z',
    source: 'ingest',
  };

  async function handOne(concurrentPartitionBatches: number) {
    let handle: SubscribeOptions<unknown>['handle'] | undefined;
    const stream = {
      concurrentPartitionBatches,
      subscribe: async (options: SubscribeOptions<unknown>) => {
        handle = options.handle;
        return { close: async () => undefined };
      },
    } as unknown as StreamPort;
    const handled: number[] = [];
    const scorer = {
      handleBatch: async (events: unknown[]) => {
        handled.push(events.length);
        return [];
      },
    } as unknown as ScorerService;
    await subscribeScorer(stream, scorer, async () => undefined);
    let acknowledged = false;
    const done = handle!({
      topic: 'vitals.observations',
      partition: 0,
      records: [{ topic: 'vitals.observations', partition: 0, offset: '0', key: 'ingest', value: heartbeat }],
      heartbeat: async () => undefined,
    } as never).then(() => (acknowledged = true));
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    return { done, handled, acknowledged: () => acknowledged };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('does not wait for other partitions when the stream hands one batch at a time (Kafka, one partition at a time)', async () => {
    const one = await handOne(1);
    expect(one.handled).toEqual([1]);
    await one.done;
    expect(one.acknowledged()).toBe(true);
  });

  it('waits the linger for other partitions when the stream hands several at once (in-process)', async () => {
    const many = await handOne(8);
    expect(many.handled).toEqual([]);
    await jest.advanceTimersByTimeAsync(25);
    await many.done;
    expect(many.handled).toEqual([1]);
  });
});

/** A stream that hands one partition batch at a time and keeps what was subscribed, for the handler's tests. */
function capturingStream(): { stream: StreamPort; options: () => SubscribeOptions<unknown> } {
  let options: SubscribeOptions<unknown> | undefined;
  const stream = {
    concurrentPartitionBatches: 1,
    subscribe: async (o: SubscribeOptions<unknown>) => {
      options = o;
      return { close: async () => undefined };
    },
  } as unknown as StreamPort;
  return { stream, options: () => options as SubscribeOptions<unknown> };
}

describe('subscribeScorer batch size (issue 11, decision 0005 item 22)', () => {
  it('takes at most 100 records per partition batch: a record is a device message of about five observations', async () => {
    const { stream, options } = capturingStream();
    await subscribeScorer(
      stream,
      { handleBatch: async () => [] } as unknown as ScorerService,
      async () => undefined,
    );
    expect(SCORER_MAX_BATCH_RECORDS).toBe(100);
    expect(options().topic).toBe('vitals.observations');
    expect(options().maxBatchSize).toBe(SCORER_MAX_BATCH_RECORDS);
  });
});

describe('subscribeScorerDeadLetters (issue 11, HZ-13)', () => {
  async function subscribed(store: DeadLetterStore) {
    const { stream, options } = capturingStream();
    await subscribeScorerDeadLetters(stream, store, () => new Date('2026-12-06T12:00:00Z'));
    const handle = (value: unknown) =>
      options().handle({
        topic: 'vitals.observations.dead-letters',
        partition: 3,
        records: [
          {
            topic: 'vitals.observations.dead-letters',
            partition: 3,
            offset: '0',
            key: 'patient-1',
            value,
            headers: {
              [DEAD_LETTER_HEADERS.topic]: 'vitals.observations',
              [DEAD_LETTER_HEADERS.partition]: '5',
              [DEAD_LETTER_HEADERS.offset]: '42',
              [DEAD_LETTER_HEADERS.attempts]: '5',
              [DEAD_LETTER_HEADERS.error]: 'a scorer bug',
            },
          },
        ],
        heartbeat: async () => undefined,
      });
    return { options: options(), handle };
  }

  it('HZ-13 keeps a set-aside record in the dead-letter store: where it was, why, its device and its JSON', async () => {
    const kept: NewDeadLetter[] = [];
    const { options, handle } = await subscribed(async (letters) => void kept.push(...letters));
    expect(options.topic).toBe('vitals.observations.dead-letters');
    const value = { type: 'readings', patientId: 'p-1', deviceId: 'ox-7', observations: [] };
    await handle(value);
    expect(kept).toEqual([
      {
        receivedAt: new Date('2026-12-06T12:00:00Z'),
        topic: 'vitals.observations',
        deviceId: 'ox-7',
        reason: 'unprocessable',
        detail:
          'the scorer failed on this record 5 times alone (vitals.observations partition 5, offset 42): a scorer bug',
        measurementIndex: null,
        raw: Buffer.from(JSON.stringify(value)),
      },
    ]);
  });

  it('HZ-13 a dead letter the store refuses for what it holds is stored without its device id; a database outage is thrown', async () => {
    const kept: NewDeadLetter[] = [];
    let down = false;
    const { handle } = await subscribed(async (letters) => {
      if (down) throw Object.assign(new Error('connection failure'), { code: '08006' });
      if (letters.some((d) => d.deviceId !== null)) throw new Error('value too long for the device id');
      kept.push(...letters);
    });
    await handle({ type: 'readings', deviceId: 'x'.repeat(10_000) });
    expect(
      kept.map((d) => [
        d.deviceId,
        d.detail.endsWith('which the store refused: value too long for the device id]'),
      ]),
    ).toEqual([[null, true]]);
    down = true;
    await expect(handle({ type: 'readings', deviceId: 'ox-7' })).rejects.toThrow('connection failure');
    expect(kept).toHaveLength(1);
  });
});
