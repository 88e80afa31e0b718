import { setTimeout as sleep } from 'node:timers/promises';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaConfig,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { backoffDelay, resolveRetry, type ResolvedRetry, type RetryOptions } from '../internal/backoff';
import { decodeValue, encodeValue } from '../internal/json';
import { consoleStreamErrorHandler, report } from '../internal/report';
import {
  StreamClosedError,
  type ConsumedRecord,
  type StreamErrorContext,
  type StreamErrorHandler,
  type StreamHeaders,
  type StreamPort,
  type StreamRecord,
  type SubscribeOptions,
  type Subscription,
} from '../stream.port';

/** The part of a kafkajs `Kafka` client the adapter uses (a seam for unit tests). */
export type KafkaClient = Pick<Kafka, 'producer' | 'consumer' | 'admin'>;

/** Options of the Kafka adapter (distributed mode). */
export interface KafkaStreamOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Client id seen by the brokers (default `vigil`). */
  clientId?: string;
  /** Partitions of the topics this adapter creates (default 8). Existing topics are left as they are. */
  partitions?: number;
  /** Replication factor of the topics this adapter creates (default -1: the broker's default). */
  replicationFactor?: number;
  /** Create a topic on its first publish or subscribe (default true); otherwise only `ensureTopics` does. */
  autoCreateTopics?: boolean;
  /** Redelivery backoff after a failed batch. */
  retry?: RetryOptions;
  /** Reporter for consumer errors (default: `console.error`). */
  onError?: StreamErrorHandler;
  /** Consumer session timeout (default 30 000 ms). */
  sessionTimeoutMs?: number;
  /** Consumer heartbeat interval, also used while a failed batch waits for its retry (default 3 000 ms). */
  heartbeatIntervalMs?: number;
  /** Partitions one subscription processes at the same time, each still sequentially (default 1). */
  partitionsConsumedConcurrently?: number;
  /** More kafkajs client settings (ssl, sasl, timeouts, logLevel — WARN unless set). */
  kafkaConfig?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
  /** A ready client to use instead of building one from the options above (tests). */
  client?: KafkaClient;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * The stream on Kafka, with kafkajs directly (the Nest transport has no batch consumption).
 *
 * - Producer: idempotent, `acks = -1` (all in-sync replicas), one request in flight so retries cannot reorder a
 *   partition, Kafka's default (murmur2) partitioner on the record key. `publish` resolves on the brokers' ack.
 * - Consumer: one kafkajs consumer per subscription, `eachBatch` with auto-resolve and auto-commit off; a fetched
 *   batch is cut into chunks of `maxBatchSize`, each handled and then committed explicitly (offset + 1) before the
 *   next. A failing chunk is retried in place after a backoff, heartbeating meanwhile; if the partition is revoked
 *   or the subscription closes, the chunk is left uncommitted and the group's next owner gets it again.
 *   New groups start from the beginning of the topic.
 * - Connections open lazily, so constructing the adapter never touches the network.
 */
export class KafkaStream implements StreamPort {
  private readonly client: KafkaClient;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly autoCreateTopics: boolean;
  private readonly retry: ResolvedRetry;
  private readonly onError: StreamErrorHandler;
  private readonly sessionTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly partitionsConsumedConcurrently: number;
  private producer: Promise<Producer> | null = null;
  private admin: Promise<Admin> | null = null;
  private readonly topics = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | null = null;

  constructor(options: KafkaStreamOptions) {
    if (!Array.isArray(options.brokers) || options.brokers.length === 0) {
      throw new TypeError('brokers must list at least one host:port');
    }
    this.client =
      options.client ??
      new Kafka({
        logLevel: logLevel.WARN,
        ...options.kafkaConfig,
        clientId: options.clientId ?? 'vigil',
        brokers: options.brokers,
      });
    this.partitions = positiveInteger('partitions', options.partitions ?? 8);
    this.replicationFactor = options.replicationFactor ?? -1;
    this.autoCreateTopics = options.autoCreateTopics ?? true;
    this.retry = resolveRetry(options.retry);
    this.onError = options.onError ?? consoleStreamErrorHandler;
    this.sessionTimeoutMs = positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs ?? 30_000);
    this.heartbeatIntervalMs = positiveInteger('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 3_000);
    this.partitionsConsumedConcurrently = positiveInteger(
      'partitionsConsumedConcurrently',
      options.partitionsConsumedConcurrently ?? 1,
    );
  }

  async publish(topic: string, records: StreamRecord[]): Promise<void> {
    if (this.closing) throw new StreamClosedError();
    requireName('topic', topic);
    const messages = records.map((record, i) => {
      if (typeof record.key !== 'string') throw new TypeError(`records[${i}].key must be a string`);
      return { key: record.key, value: encodeValue(record.value), headers: { ...record.headers } };
    });
    if (messages.length === 0) return;
    if (this.autoCreateTopics) await this.ensureTopic(topic);
    const producer = await this.connectProducer();
    await producer.send({ topic, acks: -1, messages });
  }

  async subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.closing) throw new StreamClosedError();
    requireName('topic', options.topic);
    requireName('groupId', options.groupId);
    if (typeof options.handle !== 'function') throw new TypeError('handle must be a function');
    const settings: SubscriptionSettings<T> = {
      topic: options.topic,
      groupId: options.groupId,
      handle: options.handle,
      decode: options.decode ?? ((value: unknown) => value as T),
      maxBatchSize: positiveInteger('maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH),
      closeTimeoutMs: nonNegative('closeTimeoutMs', options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS),
      onError: options.onError ?? this.onError,
      retry: this.retry,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
    };
    if (this.autoCreateTopics) await this.ensureTopic(options.topic);
    const consumer = this.client.consumer({
      groupId: options.groupId,
      sessionTimeout: this.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
    });
    const subscription = new KafkaSubscription<T>(consumer, settings, (s) => this.subscriptions.delete(s));
    await subscription.start(this.partitionsConsumedConcurrently);
    if (this.closing) {
      await subscription.close();
      throw new StreamClosedError();
    }
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    if (this.closing) throw new StreamClosedError();
    for (const topic of topics) requireName('topic', topic);
    await Promise.all([...new Set(topics)].map((topic) => this.ensureTopic(topic)));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const results = await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    const clients = await Promise.allSettled([this.producer, this.admin].filter(isPresent));
    results.push(
      ...(await Promise.allSettled(
        clients.flatMap((c) => (c.status === 'fulfilled' ? [c.value.disconnect()] : [])),
      )),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private ensureTopic(topic: string): Promise<void> {
    let created = this.topics.get(topic);
    if (!created) {
      created = this.connectAdmin().then(async (admin) => {
        // Resolves false when the topic exists already: its partitions are then left as they are.
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor }],
        });
      });
      this.topics.set(topic, created);
      created.catch(() => this.topics.delete(topic));
    }
    return created;
  }

  private connectProducer(): Promise<Producer> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    if (!this.producer) {
      const producer = this.client.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = null;
      });
    }
    return this.producer;
  }

  private connectAdmin(): Promise<Admin> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    if (!this.admin) {
      const admin = this.client.admin();
      const connecting = admin.connect().then(() => admin);
      this.admin = connecting;
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = null;
      });
    }
    return this.admin;
  }
}

interface SubscriptionSettings<T> {
  topic: string;
  groupId: string;
  handle: SubscribeOptions<T>['handle'];
  decode: (value: unknown) => T;
  maxBatchSize: number;
  closeTimeoutMs: number;
  onError: StreamErrorHandler;
  retry: ResolvedRetry;
  heartbeatIntervalMs: number;
}

type Outcome = { kind: 'handled' } | { kind: 'failed'; error: unknown } | { kind: 'abandoned' };

class KafkaSubscription<T> implements Subscription {
  private closing: Promise<void> | null = null;
  /** Aborted when close() starts: wakes retry sleeps. */
  private readonly stopping = new AbortController();
  /** Aborted when close() gives up waiting for a handler. */
  private readonly abandon = new AbortController();

  constructor(
    private readonly consumer: Consumer,
    private readonly settings: SubscriptionSettings<T>,
    private readonly onClosed: (subscription: Subscription) => void,
  ) {}

  async start(partitionsConsumedConcurrently: number): Promise<void> {
    const { topic, groupId, onError } = this.settings;
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      report(onError, event.payload.error, { phase: 'client', topic, groupId });
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.stopping.abort();
    const timer = setTimeout(() => this.abandon.abort(), this.settings.closeTimeoutMs);
    try {
      // kafkajs waits for the running eachBatch, which returns once its handler settled or was abandoned.
      await this.consumer.disconnect();
    } finally {
      clearTimeout(timer);
      this.abandon.abort();
      this.onClosed(this);
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const messages = payload.batch.messages;
    for (let start = 0; start < messages.length; start += this.settings.maxBatchSize) {
      const chunk = messages.slice(start, start + this.settings.maxBatchSize);
      if (!(await this.processChunk(payload, chunk))) return;
    }
  }

  /** Handles then commits one chunk; false when it was left uncommitted (closing, revoked). */
  private async processChunk(payload: EachBatchPayload, chunk: KafkaMessage[]): Promise<boolean> {
    const { topic, partition } = payload.batch;
    const { groupId, onError } = this.settings;
    const lastOffset = chunk[chunk.length - 1].offset;
    const context: StreamErrorContext = {
      phase: 'handle',
      topic,
      groupId,
      partition,
      firstOffset: chunk[0].offset,
      lastOffset,
    };
    for (let attempt = 1; ; attempt += 1) {
      if (this.closing || !payload.isRunning() || payload.isStale()) return false;
      const outcome = await this.runHandler(payload, chunk, { ...context, attempt });
      if (outcome.kind === 'abandoned') return false;
      if (outcome.kind === 'handled') {
        payload.resolveOffset(lastOffset);
        try {
          await payload.commitOffsetsIfNecessary({
            topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] }],
          });
        } catch (error) {
          // kafkajs rejoins the group and the chunk comes again from the last committed offset.
          report(onError, error, { ...context, phase: 'commit', attempt });
          throw error;
        }
        return true;
      }
      const retryInMs = backoffDelay(this.settings.retry, attempt);
      report(onError, outcome.error, { ...context, attempt, retryInMs });
      await this.sleep(retryInMs, payload);
    }
  }

  private async runHandler(
    payload: EachBatchPayload,
    chunk: KafkaMessage[],
    context: StreamErrorContext,
  ): Promise<Outcome> {
    const { topic, partition } = payload.batch;
    const { decode, handle, onError } = this.settings;
    let abandoned = false;
    const settled = Promise.resolve()
      .then(() => {
        const records = chunk.map((message) => toRecord(topic, partition, message, decode));
        return handle({ topic, partition, records, heartbeat: () => payload.heartbeat() });
      })
      .then(
        (): Outcome => ({ kind: 'handled' }),
        (error: unknown): Outcome => {
          if (abandoned) report(onError, error, { ...context, phase: 'abandoned' });
          return { kind: 'failed', error };
        },
      );
    const signal = this.abandon.signal;
    let onAbort = (): void => undefined;
    const abandonedOutcome = new Promise<Outcome>((resolve) => {
      onAbort = () => resolve({ kind: 'abandoned' });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([settled, abandonedOutcome]);
      if (outcome.kind === 'abandoned') abandoned = true;
      return outcome;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Waits before a retry, heartbeating so the group keeps this member; returns early on close. */
  private async sleep(ms: number, payload: EachBatchPayload): Promise<void> {
    for (let left = ms; left > 0 && !this.closing; left -= this.settings.heartbeatIntervalMs) {
      try {
        await sleep(Math.min(left, this.settings.heartbeatIntervalMs), undefined, {
          signal: this.stopping.signal,
        });
      } catch {
        return; // aborted by close()
      }
      await payload.heartbeat();
    }
  }
}

function toRecord<T>(
  topic: string,
  partition: number,
  message: KafkaMessage,
  decode: (value: unknown) => T,
): ConsumedRecord<T> {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : '',
    value: decode(message.value ? decodeValue(message.value.toString('utf8')) : null),
    headers: toHeaders(message.headers),
  };
}

/** Kafka allows repeated header keys and binary values; the port carries one string per key (the last one). */
function toHeaders(headers: IHeaders | undefined): StreamHeaders {
  const result: StreamHeaders = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}

function isPresent<T>(value: T | null): value is T {
  return value !== null;
}

function requireName(what: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${what} must be a non-empty string`);
}

function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(what: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${what} must be a finite number ≥ 0, got ${value}`);
  return value;
}
