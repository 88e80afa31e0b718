/**
 * The stream port: the one seam between the services and the message stream (SPEC §2, "Two modes, one code
 * path"). Ingest, scorer and api depend on this interface only; {@link createStream} picks the in-process
 * adapter (embedded mode) or the Kafka adapter (distributed mode).
 *
 * Guarantees common to every adapter:
 * - **Durable publish.** `publish` resolves only once the records cannot be lost: Kafka when the brokers
 *   acknowledged them with `acks = all`; in-process, when every consumer group subscribed to the topic has
 *   handled and committed them, or, for a journaled topic, when the journal (PostgreSQL, group commit) has them
 *   if that comes first. Ingest PUBACKs an MQTT message only after `publish` resolved.
 * - **Order per key.** Records are partitioned by a stable hash of their key (Kafka's murmur2), so the records of
 *   one key (one patient) are delivered in publish order. Within one `publish` call, order is the array order;
 *   across calls, order is guaranteed when the later call starts after the earlier one resolved.
 * - **At-least-once.** A batch is committed only after `handle` resolved. If `handle` throws, the error is
 *   reported (never swallowed) and the batch is redelivered after a backoff. A batch in flight when its
 *   subscription closes is redelivered to the group's next subscriber. Handlers must therefore be idempotent.
 * - **JSON values.** Values are serialised with `JSON.stringify` on publish (so `Date` becomes a string,
 *   `undefined` becomes `null`) and parsed afresh for every delivery: a consumer never shares an object with the
 *   publisher or with another consumer.
 */

/** String headers carried beside a record (trace ids, schema versions). */
export type StreamHeaders = Record<string, string>;

/** A record to publish. */
export interface StreamRecord {
  /** Partitioning key; for Vigil's topics the patient id (device id for dead letters). */
  key: string;
  /** Any JSON-serialisable value. A value `JSON.stringify` cannot serialise (BigInt, a cycle) rejects the publish. */
  value: unknown;
  headers?: StreamHeaders;
}

/** A record as delivered to a consumer. */
export interface ConsumedRecord<T = unknown> {
  topic: string;
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: string;
  /** The parsed JSON value, passed through {@link SubscribeOptions.decode} when given. */
  value: T;
  headers: StreamHeaders;
}

/** Consecutive records of one partition, handled and committed together. */
export interface ConsumedBatch<T = unknown> {
  topic: string;
  partition: number;
  /** In offset order; never empty; at most {@link SubscribeOptions.maxBatchSize} records. */
  records: ConsumedRecord<T>[];
  /**
   * Tells the broker this consumer is alive. A handler that may run longer than the session timeout calls it
   * between steps; it may reject when the group is rebalancing, in which case the handler should throw.
   * A no-op in-process.
   */
  heartbeat(): Promise<void>;
}

/** Where a reported error happened. */
export type StreamErrorPhase =
  /** `decode` or `handle` threw or rejected; the batch will be redelivered. */
  | 'handle'
  /** Committing the offsets of a handled batch failed; the batch will be redelivered. */
  | 'commit'
  /** A handler abandoned by `close()` rejected later; its batch was already handed to the next subscriber. */
  | 'abandoned'
  /** The client itself (connection, group membership) reported a failure. */
  | 'client'
  /** A record failed {@link DeadLetterOptions.maxAttempts} times and was moved to the dead-letter topic. */
  | 'dead-letter';

/** Context reported with an error. */
export interface StreamErrorContext {
  phase: StreamErrorPhase;
  topic: string;
  groupId?: string;
  partition?: number;
  /** First and last offsets of the batch concerned. */
  firstOffset?: string;
  lastOffset?: string;
  /** 1 for the first delivery of the batch, 2 for the first redelivery, … */
  attempt?: number;
  /** Milliseconds until the batch is redelivered, when it will be. */
  retryInMs?: number;
}

/**
 * Receives every consumer-side error. It must not throw (a throw is caught and logged);
 * the stream keeps going either way.
 */
export type StreamErrorHandler = (error: unknown, context: StreamErrorContext) => void;

/** Bounded retries for a subscription: a poison record must not hold up its partition for ever. */
export interface DeadLetterOptions {
  /** Where records that keep failing go, with headers saying where they came from and why. */
  topic: string;
  /**
   * Deliveries of a failing batch before it is split into single records, and of a single record before it is
   * dead-lettered (≥ 1).
   */
  maxAttempts: number;
  /**
   * Errors that are not the record's fault (the database is down): retried without bound, never dead-lettered,
   * or an outage would empty the topic into the dead-letter topic. Default: none.
   */
  isTransient?: (error: unknown) => boolean;
}

/** What to consume and how. */
export interface SubscribeOptions<T> {
  topic: string;
  /**
   * Consumer group. Every group receives every record of the topic; within a group, each partition is processed
   * by one subscriber at a time, strictly sequentially. Use one group id per topic. A new group starts from the
   * earliest record still retained (Kafka: `fromBeginning`).
   */
  groupId: string;
  /**
   * Handles one batch. Resolve only when its effects are durable (e.g. the database transaction committed):
   * resolving commits the offsets. Throw to have the batch redelivered after a backoff. In-process, awaiting a
   * `publish` to the topic being consumed, by the same group, deadlocks: that publish waits for this commit.
   */
  handle(batch: ConsumedBatch<T>): Promise<void>;
  /** Upper bound of records per batch (default 500). */
  maxBatchSize?: number;
  /**
   * Turns the parsed JSON value into `T` (e.g. a zod `parse`). A throw counts as a failed batch: it is reported
   * and redelivered, so a record that can never decode stops its partition. A consumer that prefers to
   * dead-letter such records validates inside `handle` instead.
   */
  decode?: (value: unknown) => T;
  /** Error reporter for this subscription; defaults to the adapter's. */
  onError?: StreamErrorHandler;
  /**
   * Fan-out: this subscriber receives every record published from now on, whatever other subscribers of the
   * same `groupId` do (e.g. one per api instance, each pushing to its own sockets). Kafka: a group of its own
   * (`groupId` + a random suffix) that starts at the latest offset, never commits and is deleted on close, so
   * groups do not pile up on the brokers as containers come and go. In-process: an ordinary group.
   */
  fanOut?: boolean;
  /** Bounded retries then a dead-letter topic (Kafka adapter; in-process retries without bound). */
  deadLetter?: DeadLetterOptions;
  /**
   * How long `Subscription.close()` waits for a batch in flight (default 10 000 ms). If `handle` resolves in
   * time the batch is committed; otherwise it is abandoned uncommitted and redelivered to the group's next
   * subscriber, and whatever the abandoned handler does later is ignored (a rejection is reported).
   */
  closeTimeoutMs?: number;
}

/** The state of one subscription, as health checks see it. */
export interface ConsumerHealth {
  topic: string;
  groupId: string;
  /** `crashed`: the client gave up (it will not restart by itself); the process should be restarted. */
  state: 'starting' | 'running' | 'rebalancing' | 'crashed' | 'closed';
  /** Records moved to the dead-letter topic since start. */
  deadLettered: number;
  /** Records behind the brokers' high watermark, summed over this subscriber's partitions (last seen). */
  lag: number;
  /**
   * Age of the oldest record not yet handled, by its publish time, in ms (0 when caught up): for the scorer,
   * the age of the oldest unscored reading.
   */
  oldestPendingAgeMs: number;
  /** Records in the last batch handled. */
  lastBatchSize: number;
  /** The last error reported, if any (message only). */
  lastError?: string;
  /**
   * Kafka: ms since the consumer last heard from the brokers (a heartbeat, a fetch, a group join). A running
   * consumer silent for longer than the stream's `brokerSilenceMs` makes the stream unhealthy.
   */
  brokerSilentMs?: number;
  /**
   * Kafka: partitions of the topic the group gave this subscriber at its last join (0 before the first). A
   * scorer taking over a dead one's partitions shows here (issue 11: the fault suite's scorer-kill signal).
   */
  assignedPartitions?: number;
  /**
   * Kafka: times this subscriber replaced its consumer: one that handled nothing while records waited (the
   * stream's `stallAfterMs`), or one that crashed and kafkajs would not restart; absent when none.
   */
  consumersReplaced?: number;
}

/** What a health endpoint needs from the stream. */
export interface StreamHealth {
  adapter: 'in-process' | 'kafka';
  /** False when a subscription crashed. */
  ok: boolean;
  consumers: ConsumerHealth[];
}

/** A running consumer. */
export interface Subscription {
  /** Stops consuming (see {@link SubscribeOptions.closeTimeoutMs}); idempotent. */
  close(): Promise<void>;
}

/** The message stream, in either mode. */
export interface StreamPort {
  /**
   * Publishes records, partitioned by key. Resolves only when they are durable (see the module comment); rejects
   * when they may not be, in which case the caller must not acknowledge its own input. In-process, when the
   * topic's queues are full, waits for space (back-pressure).
   */
  publish(topic: string, records: StreamRecord[]): Promise<void>;
  /** Starts consuming; resolves once the subscription is registered. */
  subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription>;
  /**
   * How many partition batches one subscription may be handed at the same time (in-process: one per partition;
   * Kafka: `partitionsConsumedConcurrently`). A handler that gathers concurrent batches into one unit of work
   * (the scorer's transaction) waits for others only when more than one can come.
   */
  readonly concurrentPartitionBatches: number;
  /**
   * Creates the topics that do not exist yet (Kafka: with the configured partitions and replication factor).
   * Adapters also do this on first use of a topic unless configured not to; calling it at boot fails fast.
   */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** The subscriptions of this stream and their state (for `/health`). */
  health(): StreamHealth;
  /**
   * Closes every subscription (as {@link Subscription.close}), then the clients. In-process, publishes not yet
   * durable reject with {@link StreamClosedError}. Further calls reject with it too.
   */
  close(): Promise<void>;
}

/** Thrown by a stream, or a publish still pending, once the stream is closed. */
export class StreamClosedError extends Error {
  constructor(message = 'The stream is closed') {
    super(message);
    this.name = 'StreamClosedError';
  }
}
