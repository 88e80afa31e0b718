/**
 * Unit tests of the Kafka adapter's glue against a scripted stand-in for the kafkajs client: what it asks of
 * kafkajs (producer and consumer settings, commits) and when. The behaviour against a real broker is the
 * contract suite's job (stream.contract.spec.ts, with KAFKA_BROKERS set).
 */
import type {
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  KafkaMessage,
  ProducerBatch,
  ProducerConfig,
} from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { deferred } from '../internal/deferred';
import { StreamClosedError, type ConsumedBatch, type StreamErrorContext } from '../stream.port';
import { KafkaStream, type KafkaClient, type KafkaStreamOptions } from './kafka-stream';

type Listener = (event: {
  payload: { error?: Error; restart?: boolean; memberAssignment?: unknown };
}) => void;
type RunConfig = { eachBatch: (payload: EachBatchPayload) => Promise<void>; [key: string]: unknown };

class FakeConsumer {
  readonly events = {
    CRASH: 'consumer.crash',
    FETCH: 'consumer.fetch',
    GROUP_JOIN: 'consumer.group_join',
    HEARTBEAT: 'consumer.heartbeat',
    REBALANCING: 'consumer.rebalancing',
    STOP: 'consumer.stop',
  };
  readonly listeners = new Map<string, Listener>();
  readonly log: string[];
  runConfig: RunConfig | null = null;
  running = false;
  current: Promise<void> | null = null;
  subscribed: unknown = null;

  constructor(
    readonly config: ConsumerConfig,
    log: string[],
  ) {
    this.log = log;
  }

  on(event: string, listener: Listener): () => void {
    this.listeners.set(event, listener);
    return () => this.listeners.delete(event);
  }

  async connect(): Promise<void> {
    this.log.push('consumer.connect');
  }

  async subscribe(subscription: unknown): Promise<void> {
    this.subscribed = subscription;
  }

  async run(config: RunConfig): Promise<void> {
    this.runConfig = config;
    this.running = true;
  }

  readonly sought: unknown[] = [];

  seek(position: unknown): void {
    this.sought.push(position);
  }

  async commitOffsets(offsets: unknown): Promise<void> {
    this.log.push(`consumer.commit ${JSON.stringify(offsets)}`);
  }

  async disconnect(): Promise<void> {
    this.log.push('consumer.disconnect requested');
    this.running = false; // as kafkajs: stop fetching, then wait for the batch being processed
    await this.current?.catch(() => undefined);
    this.log.push('consumer.disconnected');
  }

  /** Hands a fetched batch to the adapter, as kafkajs's runner would. */
  deliver(
    partition: number,
    messages: KafkaMessage[],
    overrides: { isStale?: () => boolean; commit?: () => Promise<void> } = {},
  ): { done: Promise<void>; payload: EachBatchPayload } {
    const log = this.log;
    const payload = {
      batch: { topic: 'vitals.observations', partition, messages },
      resolveOffset: jest.fn((offset: string) => void log.push(`resolve ${offset}`)),
      commitOffsetsIfNecessary: jest.fn(async (offsets?: unknown) => {
        log.push(`commit ${JSON.stringify(offsets)}`);
        await overrides.commit?.();
      }),
      heartbeat: jest.fn(async () => void log.push('heartbeat')),
      isRunning: () => this.running,
      isStale: overrides.isStale ?? (() => false),
    } as unknown as EachBatchPayload;
    const done = this.runConfig!.eachBatch(payload);
    this.current = done;
    return { done, payload };
  }
}

function message(
  offset: number,
  value: unknown,
  key: string | null = 'patient-1',
  headers?: IHeaders,
): KafkaMessage {
  return {
    offset: String(offset),
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
    timestamp: '0',
    attributes: 0,
    headers: headers ?? {},
  };
}

function fakeClient() {
  const log: string[] = [];
  const producerConfigs: ProducerConfig[] = [];
  const sent: ProducerBatch[] = [];
  const consumers: FakeConsumer[] = [];
  const createdTopics: unknown[] = [];
  const producer = {
    connect: jest.fn(async () => void log.push('producer.connect')),
    sendBatch: jest.fn(async (batch: ProducerBatch) => {
      sent.push(batch);
      return [];
    }),
    disconnect: jest.fn(async () => void log.push('producer.disconnect')),
  };
  const admin = {
    connect: jest.fn(async () => void log.push('admin.connect')),
    listTopics: jest.fn(async (): Promise<string[]> => []),
    createTopics: jest.fn(async (options: unknown) => {
      createdTopics.push(options);
      return true;
    }),
    disconnect: jest.fn(async () => void log.push('admin.disconnect')),
  };
  const client = {
    producer: (config: ProducerConfig) => {
      producerConfigs.push(config);
      return producer;
    },
    consumer: (config: ConsumerConfig) => {
      const consumer = new FakeConsumer(config, log);
      consumers.push(consumer);
      return consumer;
    },
    admin: () => admin,
  } as unknown as KafkaClient;
  return { client, log, producer, producerConfigs, sent, consumers, admin, createdTopics };
}

describe('KafkaStream (against a scripted kafkajs client)', () => {
  const streams: KafkaStream[] = [];
  const open = (client: KafkaClient, options: Partial<KafkaStreamOptions> = {}): KafkaStream => {
    const stream = new KafkaStream({
      brokers: ['kafka-1:9092'],
      client,
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
      ...options,
    });
    streams.push(stream);
    return stream;
  };
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  it('needs at least one broker and valid numbers', () => {
    expect(() => new KafkaStream({ brokers: [] })).toThrow(TypeError);
    expect(() => new KafkaStream({ brokers: ['k:9092'], partitions: 0 })).toThrow(RangeError);
    expect(() => new KafkaStream({ brokers: ['k:9092'], heartbeatIntervalMs: 0 })).toThrow(RangeError);
  });

  it('connects nothing until used', () => {
    const fake = fakeClient();
    open(fake.client);
    expect(fake.log).toEqual([]);
  });

  it('publishes with an idempotent producer, acks=all, the Kafka partitioner, JSON values and string headers', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { partitions: 12, replicationFactor: 3 });
    await stream.publish('vitals.observations', [
      { key: 'patient-1', value: { spo2: 97, at: new Date(0) }, headers: { trace: 't-1' } },
      { key: 'patient-2', value: undefined },
    ]);

    expect(fake.producerConfigs).toEqual([
      expect.objectContaining({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
    ]);
    expect(typeof fake.producerConfigs[0].createPartitioner).toBe('function');
    expect(fake.producer.connect).toHaveBeenCalledTimes(1);
    expect(fake.sent[0]).toEqual({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [
        {
          topic: 'vitals.observations',
          messages: [
            {
              key: 'patient-1',
              value: '{"spo2":97,"at":"1970-01-01T00:00:00.000Z"}',
              headers: { trace: 't-1' },
            },
            { key: 'patient-2', value: 'null', headers: {} },
          ],
        },
      ],
    });
    expect(fake.createdTopics).toEqual([
      {
        waitForLeaders: true,
        topics: [{ topic: 'vitals.observations', numPartitions: 12, replicationFactor: 3 }],
      },
    ]);
  });

  it('lingers: publishes made together go in one compressed request, in call order, each resolved on its ack', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { lingerMs: 50, compression: 'none' });
    await stream.ensureTopics(['a', 'b']);
    const resolved: string[] = [];
    const calls = [
      stream.publish('a', [{ key: 'k1', value: 1 }]).then(() => void resolved.push('first')),
      stream.publish('a', [{ key: 'k1', value: 2 }]).then(() => void resolved.push('second')),
      stream.publish('b', [{ key: 'k2', value: 3 }]).then(() => void resolved.push('third')),
    ];
    await Promise.all(calls);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0].compression).toBe(CompressionTypes.None);
    expect(fake.sent[0].topicMessages!.map((t) => [t.topic, t.messages.map((m) => m.value)])).toEqual([
      ['a', ['1', '2']],
      ['b', ['3']],
    ]);
    expect(resolved.sort()).toEqual(['first', 'second', 'third']);
  });

  it('flushes at maxBatchRecords without waiting for the linger, and rejects every publish of a failed request', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { lingerMs: 60_000, maxBatchRecords: 2 });
    await stream.ensureTopics(['a']);
    await Promise.all([
      stream.publish('a', [{ key: 'k', value: 1 }]),
      stream.publish('a', [{ key: 'k', value: 2 }]),
    ]);
    expect(fake.sent).toHaveLength(1);
    fake.producer.sendBatch.mockRejectedValueOnce(new Error('NOT_ENOUGH_REPLICAS'));
    const failing = [
      stream.publish('a', [{ key: 'k', value: 3 }]),
      stream.publish('a', [{ key: 'k', value: 4 }]),
    ];
    for (const p of failing) await expect(p).rejects.toThrow('NOT_ENOUGH_REPLICAS');
  });

  it('rejects unserialisable values and bad keys before touching Kafka; sends nothing for no records', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    await expect(stream.publish('t', [{ key: 'k', value: 1n }])).rejects.toThrow(TypeError);
    await expect(stream.publish('t', [{ key: 3 as unknown as string, value: 1 }])).rejects.toThrow(TypeError);
    await expect(stream.publish('', [{ key: 'k', value: 1 }])).rejects.toThrow(TypeError);
    await stream.publish('t', []);
    expect(fake.log).toEqual([]);
  });

  it('leaves topic creation to ensureTopics when autoCreateTopics is off, and retries a failed creation', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { autoCreateTopics: false });
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    expect(fake.admin.createTopics).not.toHaveBeenCalled();
    fake.admin.createTopics.mockRejectedValueOnce(new Error('no controller'));
    await expect(stream.ensureTopics(['a', 'a'])).rejects.toThrow('no controller');
    await stream.ensureTopics(['a']);
    expect(fake.admin.createTopics).toHaveBeenCalledTimes(2);
    await expect(stream.ensureTopics([''])).rejects.toThrow(TypeError);
  });

  it('reconnects the producer after a failed connect', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    fake.producer.connect.mockRejectedValueOnce(new Error('broker down'));
    await expect(stream.publish('t', [{ key: 'k', value: 1 }])).rejects.toThrow('broker down');
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    expect(fake.sent).toHaveLength(1);
  });

  it('HZ-51 starts a new producer once the brokers refuse its sequences, and keeps it after other failures', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    fake.producer.sendBatch.mockRejectedValueOnce(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(stream.publish('t', [{ key: 'k', value: 2 }])).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await stream.publish('t', [{ key: 'k', value: 3 }]);
    expect(fake.producerConfigs).toHaveLength(1);
    // As kafkajs reports it: the protocol error wrapped by its retrier.
    const refused = Object.assign(new Error('The broker received an out of order sequence number'), {
      name: 'KafkaJSNonRetriableError',
      cause: Object.assign(new Error('The broker received an out of order sequence number'), {
        name: 'KafkaJSProtocolError',
        type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      }),
    });
    fake.producer.sendBatch.mockRejectedValueOnce(refused);
    await expect(stream.publish('t', [{ key: 'k', value: 4 }])).rejects.toBe(refused);
    await stream.publish('t', [{ key: 'k', value: 5 }]);
    expect(fake.producerConfigs).toHaveLength(2);
    expect(fake.log.filter((l) => l.startsWith('producer.'))).toEqual([
      'producer.connect',
      'producer.disconnect',
      'producer.connect',
    ]);
    expect(fake.sent.map((b) => b.topicMessages?.[0].messages[0].value)).toEqual(['1', '3', '5']);
  });

  it('consumes with eachBatch, no auto-resolve, no auto-commit, from the beginning for a new group', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500 });
    await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      handle: async () => undefined,
    });
    const consumer = fake.consumers[0];
    expect(consumer.config).toEqual(
      expect.objectContaining({ groupId: 'scorer', sessionTimeout: 10_000, heartbeatInterval: 500 }),
    );
    expect(consumer.subscribed).toEqual({ topics: ['vitals.observations'], fromBeginning: true });
    expect(consumer.runConfig).toEqual(
      expect.objectContaining({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
      }),
    );
  });

  it('HZ-51 gives a consumer consumerRetries (default 10) before kafkajs restarts it as a new group member', async () => {
    expect(() => new KafkaStream({ brokers: ['k:9092'], consumerRetries: 0 })).toThrow(RangeError);
    const fake = fakeClient();
    await open(fake.client).subscribe({ topic: 't', groupId: 'scorer', handle: async () => undefined });
    await open(fake.client, { consumerRetries: 3 }).subscribe({
      topic: 't',
      groupId: 'api',
      handle: async () => undefined,
    });
    // kafkajs' own consumer default is 5 retries, about 10 s: a broker restart that long restarted the scorers.
    expect(fake.consumers.map((c) => c.config.retry)).toEqual([{ retries: 10 }, { retries: 3 }]);
  });

  it('cuts a fetched batch into maxBatchSize chunks, committing each (offset + 1) only after handle resolved', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { commitIntervalMs: 0 });
    const batches: ConsumedBatch<{ n: number } | null>[] = [];
    await stream.subscribe<{ n: number } | null>({
      topic: 'vitals.observations',
      groupId: 'scorer',
      maxBatchSize: 3,
      handle: async (batch) => {
        fake.log.push(`handle ${batch.records.map((r) => r.offset).join(',')}`);
        batches.push(batch);
        await batch.heartbeat();
      },
    });
    const messages = [
      message(10, { n: 0 }, 'patient-1', {
        trace: Buffer.from('b'),
        multi: ['x', Buffer.from('y')],
        none: undefined,
      }),
      ...Array.from({ length: 5 }, (_, i) => message(11 + i, { n: i + 1 })),
      message(16, null, null),
    ];
    fake.log.length = 0;
    await fake.consumers[0].deliver(4, messages).done;

    const commit = (offset: string): string =>
      `commit ${JSON.stringify({ topics: [{ topic: 'vitals.observations', partitions: [{ partition: 4, offset }] }] })}`;
    expect(fake.log).toEqual([
      'handle 10,11,12',
      'heartbeat',
      'resolve 12',
      commit('13'),
      'heartbeat', // between chunks: the group hears from a member working through a long fetch
      'handle 13,14,15',
      'heartbeat',
      'resolve 15',
      commit('16'),
      'heartbeat',
      'handle 16',
      'heartbeat',
      'resolve 16',
      commit('17'),
    ]);
    expect(batches[0].records[0]).toEqual({
      topic: 'vitals.observations',
      partition: 4,
      offset: '10',
      key: 'patient-1',
      value: { n: 0 },
      headers: { trace: 'b', multi: 'y' },
    });
    expect(batches[2].records[0]).toEqual(expect.objectContaining({ key: '', value: null, headers: {} }));
  });

  it('HZ-50 commits handled offsets at most every commitIntervalMs, all partitions in one request, and the rest on close', async () => {
    const fake = fakeClient();
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const stream = open(fake.client, { commitIntervalMs: 1_000 });
      const subscription = await stream.subscribe({
        topic: 'vitals.observations',
        groupId: 'scorer',
        handle: async (batch) => void fake.log.push(`handle ${batch.partition}:${batch.records[0].offset}`),
      });
      const consumer = fake.consumers[0];
      const commit = (partitions: { partition: number; offset: string }[]): string =>
        `commit ${JSON.stringify({ topics: [{ topic: 'vitals.observations', partitions }] })}`;
      fake.log.length = 0;
      await consumer.deliver(0, [message(5, 1)]).done; // the first commit is due at once
      now += 400;
      await consumer.deliver(1, [message(7, 1)]).done; // within the interval: waits
      now += 400;
      await consumer.deliver(0, [message(6, 1)]).done; // still within it: the newer offset waits
      now += 300;
      await consumer.deliver(2, [message(9, 1)]).done; // due: every partition handled since, in one request
      now += 100;
      await consumer.deliver(1, [message(8, 1)]).done; // within the interval again: left for the close
      await subscription.close();
      expect(fake.log).toEqual([
        'handle 0:5',
        'resolve 5',
        commit([{ partition: 0, offset: '6' }]),
        'handle 1:7',
        'resolve 7',
        'handle 0:6',
        'resolve 6',
        'handle 2:9',
        'resolve 9',
        commit([
          { partition: 1, offset: '8' },
          { partition: 0, offset: '7' },
          { partition: 2, offset: '10' },
        ]),
        'handle 1:8',
        'resolve 8',
        `consumer.commit ${JSON.stringify([{ topic: 'vitals.observations', partition: 1, offset: '9' }])}`,
        'consumer.disconnect requested',
        'consumer.disconnected',
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('forgets handled offsets not yet committed when the group is joined again (they are fetched again)', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { commitIntervalMs: 60_000 });
    const subscription = await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      handle: async () => undefined,
    });
    const consumer = fake.consumers[0];
    await consumer.deliver(0, [message(5, 1)]).done; // committed at once (the first)
    await consumer.deliver(3, [message(2, 1)]).done; // waits
    consumer.listeners.get('consumer.group_join')!({
      payload: { memberAssignment: { 'vitals.observations': [0, 1] } },
    });
    fake.log.length = 0;
    await subscription.close();
    expect(fake.log.filter((l) => l.includes('commit'))).toEqual([]);
  });

  it('reports a failed handle, heartbeats while backing off, and retries the same chunk before committing', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    const errors: { error: unknown; context: StreamErrorContext }[] = [];
    let attempts = 0;
    await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      decode: (value) => value as number,
      onError: (error, context) => errors.push({ error, context }),
      handle: async (batch) => {
        attempts += 1;
        fake.log.push(`handle ${batch.records.map((r) => r.offset).join(',')}`);
        if (attempts === 1) throw new Error('database unavailable');
      },
    });
    fake.log.length = 0;
    await fake.consumers[0].deliver(0, [message(0, 1), message(1, 2)]).done;

    expect(fake.log).toEqual([
      'handle 0,1',
      'heartbeat',
      'handle 0,1',
      'resolve 1',
      expect.stringMatching(/^commit .*"offset":"2"/),
    ]);
    expect(errors).toEqual([
      {
        error: new Error('database unavailable'),
        context: {
          phase: 'handle',
          topic: 'vitals.observations',
          groupId: 'scorer',
          partition: 0,
          firstOffset: '0',
          lastOffset: '1',
          attempt: 1,
          retryInMs: 1,
        },
      },
    ]);
  });

  it('leaves a chunk uncommitted when the partition was revoked (stale)', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    const handle = jest.fn(async () => undefined);
    await stream.subscribe({ topic: 'vitals.observations', groupId: 'scorer', handle });
    const { done, payload } = fake.consumers[0].deliver(0, [message(0, 1)], { isStale: () => true });
    await done;
    expect(handle).not.toHaveBeenCalled();
    expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
  });

  it('reports a failed commit and rethrows it so kafkajs rejoins and the chunk comes again', async () => {
    const fake = fakeClient();
    const errors: StreamErrorContext[] = [];
    const stream = open(fake.client, { onError: (_e, context) => errors.push(context) });
    await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      handle: async () => undefined,
    });
    const failure = new Error('REBALANCE_IN_PROGRESS');
    const { done } = fake.consumers[0].deliver(2, [message(5, 1)], { commit: () => Promise.reject(failure) });
    await expect(done).rejects.toBe(failure);
    expect(errors).toEqual([
      expect.objectContaining({ phase: 'commit', partition: 2, firstOffset: '5', attempt: 1 }),
    ]);
  });

  it('on close without grace, abandons the chunk in flight uncommitted and reports its late failure', async () => {
    const fake = fakeClient();
    const errors: StreamErrorContext[] = [];
    const stream = open(fake.client);
    const inFlight = deferred<void>();
    const started = deferred<void>();
    const subscription = await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      closeTimeoutMs: 0,
      onError: (_e, context) => errors.push(context),
      handle: async () => {
        started.resolve();
        await inFlight.promise;
      },
    });
    const { done, payload } = fake.consumers[0].deliver(0, [message(0, 1), message(1, 2)]);
    await started.promise;
    await subscription.close();
    await done;
    expect(payload.resolveOffset).not.toHaveBeenCalled();
    expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
    expect(fake.log.slice(-2)).toEqual(['consumer.disconnect requested', 'consumer.disconnected']);

    inFlight.reject(new Error('too late'));
    await new Promise<void>((r) => setImmediate(r));
    expect(errors).toEqual([
      expect.objectContaining({ phase: 'abandoned', firstOffset: '0', lastOffset: '1' }),
    ]);
  });

  it('on close with grace, commits a chunk whose handler finishes in time and handles no further chunk', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    const inFlight = deferred<void>();
    const started = deferred<void>();
    const handled: string[] = [];
    const subscription = await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      maxBatchSize: 1,
      handle: async (batch) => {
        handled.push(batch.records[0].offset);
        started.resolve();
        await inFlight.promise;
      },
    });
    const { done, payload } = fake.consumers[0].deliver(0, [message(0, 1), message(1, 2)]);
    await started.promise;
    const closing = subscription.close();
    inFlight.resolve();
    await closing;
    await done;
    expect(handled).toEqual(['0']);
    expect(payload.resolveOffset).toHaveBeenCalledWith('0');
    expect(payload.commitOffsetsIfNecessary).toHaveBeenCalledTimes(1);
  });

  it('stops backing off when closed, leaving the failed chunk uncommitted', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    const failed = deferred<void>();
    const subscription = await stream.subscribe({
      topic: 'vitals.observations',
      groupId: 'scorer',
      onError: () => failed.resolve(),
      handle: async () => {
        throw new Error('down');
      },
    });
    const { done, payload } = fake.consumers[0].deliver(0, [message(0, 1)]);
    await failed.promise;
    await subscription.close();
    await done;
    expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
  });

  it('reports consumer crashes as client errors', async () => {
    const fake = fakeClient();
    const errors: { error: unknown; context: StreamErrorContext }[] = [];
    const stream = open(fake.client, { onError: (error, context) => errors.push({ error, context }) });
    await stream.subscribe({ topic: 'alerts.events', groupId: 'api', handle: async () => undefined });
    const crash = new Error('coordinator lost');
    fake.consumers[0].listeners.get('consumer.crash')!({ payload: { error: crash } });
    expect(errors).toEqual([
      { error: crash, context: { phase: 'client', topic: 'alerts.events', groupId: 'api' } },
    ]);
  });

  it('shows a crash kafkajs will not restart from in health, and a restarting one as not crashed', async () => {
    const fake = fakeClient();
    const stream = open(fake.client, { onError: () => undefined });
    await stream.subscribe({ topic: 'alerts.events', groupId: 'api', handle: async () => undefined });
    const listeners = fake.consumers[0].listeners;
    listeners.get('consumer.group_join')!({ payload: { memberAssignment: { 'alerts.events': [0] } } });
    expect(stream.health()).toEqual({
      adapter: 'kafka',
      ok: true,
      consumers: [
        {
          topic: 'alerts.events',
          groupId: 'api',
          state: 'running',
          deadLettered: 0,
          lag: 0,
          oldestPendingAgeMs: 0,
          lastBatchSize: 0,
          brokerSilentMs: expect.any(Number),
          assignedPartitions: 1,
        },
      ],
    });
    // A member that took over a dead one's partitions shows its larger share at the next join.
    listeners.get('consumer.group_join')!({
      payload: { memberAssignment: { 'alerts.events': [0, 3, 5], 'other.topic': [1] } },
    });
    expect(stream.health().consumers[0].assignedPartitions).toBe(3);
    listeners.get('consumer.crash')!({ payload: { error: new Error('broker gone'), restart: true } });
    expect(stream.health()).toMatchObject({
      ok: true,
      consumers: [{ state: 'running', lastError: 'broker gone' }],
    });
    listeners.get('consumer.crash')!({ payload: { error: new Error('not retriable'), restart: false } });
    expect(stream.health()).toMatchObject({
      ok: false,
      consumers: [{ state: 'crashed', lastError: 'not retriable' }],
    });
  });

  it('HZ-14 a running consumer that has not heard from the brokers for brokerSilenceMs is unhealthy; a heartbeat makes it healthy again', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-05T08:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const fake = fakeClient();
      const stream = open(fake.client, { brokerSilenceMs: 10_000, onError: () => undefined });
      await stream.subscribe({ topic: 'alerts.events', groupId: 'api', handle: async () => undefined });
      const listeners = fake.consumers[0].listeners;
      listeners.get('consumer.group_join')!({ payload: { memberAssignment: { 'alerts.events': [0] } } });
      jest.setSystemTime(Date.parse('2026-12-05T08:00:09Z'));
      expect(stream.health()).toMatchObject({ ok: true, consumers: [{ brokerSilentMs: 9_000 }] });
      jest.setSystemTime(Date.parse('2026-12-05T08:00:11Z'));
      expect(stream.health()).toMatchObject({
        ok: false,
        consumers: [{ state: 'running', brokerSilentMs: 11_000 }],
      });
      listeners.get('consumer.heartbeat')!({ payload: {} });
      expect(stream.health()).toMatchObject({ ok: true, consumers: [{ brokerSilentMs: 0 }] });
    } finally {
      jest.useRealTimers();
    }
  });

  describe('HZ-51 the stall guard', () => {
    /** The brokers' offsets the fake admin reports for partition 0 (and partition 1, idle at 0). */
    function brokers(fake: ReturnType<typeof fakeClient>) {
      const at = { high: '0', committed: '0' };
      const fetchTopicOffsets = jest.fn(async () => [
        { partition: 0, offset: at.high, high: at.high, low: '0' },
        { partition: 1, offset: '0', high: '0', low: '0' },
      ]);
      const fetchOffsets = jest.fn(async () => [
        { topic: 'vitals.observations', partitions: [{ partition: 0, offset: at.committed }] },
      ]);
      Object.assign(fake.admin, { fetchTopicOffsets, fetchOffsets });
      return { at, fetchTopicOffsets, fetchOffsets };
    }
    const join = (consumer: FakeConsumer, partitions: number[]) =>
      consumer.listeners.get('consumer.group_join')!({
        payload: { memberAssignment: { 'vitals.observations': partitions } },
      });
    async function until(condition: () => boolean): Promise<void> {
      for (let i = 0; i < 100 && !condition(); i += 1) await sleep(20);
      expect(condition()).toBe(true);
    }

    it('replaces a consumer that handles nothing while records wait; leaves an idle one and one inside its handler alone', async () => {
      const fake = fakeClient();
      const { at, fetchTopicOffsets } = brokers(fake);
      const errors: string[] = [];
      const stream = open(fake.client, {
        stallAfterMs: 100,
        commitIntervalMs: 0,
        onError: (error) => errors.push((error as Error).message),
      });
      const handled: string[] = [];
      let gate: Promise<void> | null = null;
      await stream.subscribe({
        topic: 'vitals.observations',
        groupId: 'scorer',
        handle: async (batch) => {
          await gate;
          handled.push(...batch.records.map((r) => r.offset));
        },
      });
      const first = fake.consumers[0];
      join(first, [0, 1]);
      await first.deliver(0, [message(0, 1), message(1, 1), message(2, 1)]).done;
      at.high = '3';
      at.committed = '3';

      // Idle: nothing waits, so nothing is replaced however long it stays so.
      await sleep(600);
      expect(fetchTopicOffsets).toHaveBeenCalled();
      expect(fake.consumers).toHaveLength(1);

      // Busy: a batch sits in its handler for longer than stallAfterMs while records wait: not a stall.
      at.high = '10';
      const open_ = deferred<void>();
      gate = open_.promise;
      const busy = first.deliver(0, [message(3, 1)]);
      await sleep(600);
      expect(fake.consumers).toHaveLength(1);
      open_.resolve();
      gate = null;
      await busy.done;

      // Stalled: records wait and no batch comes.
      await until(() => fake.consumers.length === 2);
      expect(errors).toEqual([
        expect.stringMatching(
          /^the consumer handled nothing for \d+ s while 6 records waited \(partition: records 0: 6\); starting a new consumer$/,
        ),
      ]);
      const second = fake.consumers[1];
      expect(fake.log.indexOf('consumer.disconnected')).toBeLessThan(
        fake.log.lastIndexOf('consumer.connect'),
      );
      expect(second.config).toEqual(first.config);
      expect(second.subscribed).toEqual({ topics: ['vitals.observations'], fromBeginning: true });
      await until(() => second.runConfig !== null);
      expect(stream.health().consumers[0]).toMatchObject({ state: 'rebalancing', consumersReplaced: 1 });

      // A late batch of the replaced consumer is not handled (and not resolved); the new one's is.
      first.running = true;
      const late = first.deliver(0, [message(4, 1)]);
      await late.done;
      expect(late.payload.resolveOffset).not.toHaveBeenCalled();
      join(second, [0, 1]);
      await second.deliver(0, [message(4, 1)]).done;
      expect(handled).toEqual(['0', '1', '2', '3', '4']);
      expect(stream.health().consumers[0]).toMatchObject({ state: 'running', consumersReplaced: 1 });
    });

    it('replaces a consumer kafkajs will not restart after a crash, pausing longer after each crash in a row', async () => {
      const fake = fakeClient();
      brokers(fake);
      const errors: string[] = [];
      const stream = open(fake.client, {
        stallAfterMs: 300,
        onError: (error) => errors.push((error as Error).message),
      });
      await stream.subscribe({
        topic: 'vitals.observations',
        groupId: 'scorer',
        handle: async () => undefined,
      });
      join(fake.consumers[0], [0]);
      const crash = (consumer: FakeConsumer) =>
        consumer.listeners.get('consumer.crash')!({
          payload: { error: new Error('Failed to find group coordinator'), restart: false },
        });
      crash(fake.consumers[0]);
      expect(stream.health()).toMatchObject({ ok: false, consumers: [{ state: 'crashed' }] });
      const crashedAt = Date.now();
      await until(() => fake.consumers.length === 2);
      expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(290); // min(stallAfterMs, 5 s) after the crash
      expect(errors).toEqual([
        'Failed to find group coordinator',
        'kafkajs will not restart the consumer after its crash; starting a new consumer',
      ]);
      // The crashed consumer committed nothing (it cannot); the new one runs with the same settings.
      expect(fake.log.filter((l) => l.startsWith('consumer.commit'))).toEqual([]);
      await until(() => fake.consumers[1].runConfig !== null);
      expect(fake.consumers[1].config).toEqual(fake.consumers[0].config);

      // Crashing again before ever joining: the next pause is twice as long.
      crash(fake.consumers[1]);
      const again = Date.now();
      await until(() => fake.consumers.length === 3);
      expect(Date.now() - again).toBeGreaterThanOrEqual(590);
      await until(() => fake.consumers[2].runConfig !== null);
      join(fake.consumers[2], [0]);
      expect(stream.health()).toMatchObject({
        ok: true,
        consumers: [{ state: 'running', consumersReplaced: 2 }],
      });
    });

    it('a fan-out subscriber continues where it was, and stallAfterMs 0 turns the guard off', async () => {
      const fake = fakeClient();
      const { at, fetchOffsets } = brokers(fake);
      const stream = open(fake.client, { stallAfterMs: 100, onError: () => undefined });
      const subscribed = stream.subscribe({
        topic: 'vitals.observations',
        groupId: 'api',
        fanOut: true,
        handle: async () => undefined,
      });
      // A fan-out subscribe resolves once the group is joined.
      await until(() => fake.consumers[0]?.runConfig != null);
      const first = fake.consumers[0];
      join(first, [0, 1]);
      await subscribed;
      // Subscribed at the topic's end (offset 0 here; the fake's fetchTopicOffsets answers for latestOffsets too).
      expect(first.sought).toEqual([
        { topic: 'vitals.observations', partition: 0, offset: '0' },
        { topic: 'vitals.observations', partition: 1, offset: '0' },
      ]);
      await first.deliver(0, [message(0, 1), message(1, 1)]).done;
      at.high = '5';
      await until(() => fake.consumers.length === 2);
      // Fan-out commits nothing: the group's offsets are not asked for, and the new consumer seeks past what was handled.
      expect(fetchOffsets).not.toHaveBeenCalled();
      await until(() => fake.consumers[1].runConfig !== null);
      join(fake.consumers[1], [0, 1]);
      expect(fake.consumers[1].sought).toEqual([
        { topic: 'vitals.observations', partition: 0, offset: '2' },
        { topic: 'vitals.observations', partition: 1, offset: '0' },
      ]);

      const off = fakeClient();
      const { at: offAt, fetchTopicOffsets: offFetch } = brokers(off);
      await open(off.client, { stallAfterMs: 0 }).subscribe({
        topic: 'vitals.observations',
        groupId: 'scorer',
        handle: async () => undefined,
      });
      join(off.consumers[0], [0]);
      offAt.high = '5';
      await sleep(600);
      expect(offFetch).not.toHaveBeenCalled();
      expect(off.consumers).toHaveLength(1);
    });
  });

  it('disconnects a consumer whose start failed', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    const client = fake.client as unknown as { consumer: (config: ConsumerConfig) => FakeConsumer };
    const original = client.consumer;
    client.consumer = (config) => {
      const consumer = original(config);
      consumer.subscribe = async () => {
        throw new Error('topic authorisation failed');
      };
      return consumer;
    };
    await expect(
      stream.subscribe({ topic: 't', groupId: 'g', handle: async () => undefined }),
    ).rejects.toThrow('topic authorisation failed');
    expect(fake.log).toContain('consumer.disconnected');
  });

  it('closes subscriptions, producer and admin, then refuses work', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    await stream.subscribe({ topic: 't', groupId: 'g', handle: async () => undefined });
    await stream.close();
    expect(fake.log).toEqual(
      expect.arrayContaining(['consumer.disconnected', 'producer.disconnect', 'admin.disconnect']),
    );
    await expect(stream.publish('t', [{ key: 'k', value: 1 }])).rejects.toBeInstanceOf(StreamClosedError);
    await expect(
      stream.subscribe({ topic: 't', groupId: 'g', handle: async () => undefined }),
    ).rejects.toBeInstanceOf(StreamClosedError);
    await expect(stream.ensureTopics(['t'])).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('surfaces a failed disconnect from close()', async () => {
    const fake = fakeClient();
    const stream = open(fake.client);
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    streams.pop(); // its close() is expected to reject
    fake.producer.disconnect.mockRejectedValueOnce(new Error('socket hang up'));
    await expect(stream.close()).rejects.toThrow('socket hang up');
    expect(fake.log).toContain('admin.disconnect');
  });
});
