import { backoffDelay, resolveRetry, type ResolvedRetry, type RetryOptions } from '../internal/backoff';
import { deferred, type Deferred } from '../internal/deferred';
import { deadLetterHeaders, validDeadLetter } from '../internal/dead-letter';
import { decodeValue, encodeValue } from '../internal/json';
import { consoleStreamErrorHandler, report } from '../internal/report';
import { partitionFor } from '../partitioner';
import {
  type DeadLetterOptions,
  StreamClosedError,
  type StreamHealth,
  type ConsumedBatch,
  type ConsumedRecord,
  type StreamErrorHandler,
  type StreamHeaders,
  type StreamPort,
  type StreamRecord,
  type SubscribeOptions,
  type Subscription,
} from '../stream.port';

/** Options of the in-process adapter (embedded mode). */
export interface InProcessStreamOptions {
  /** Partitions per topic (default 8): the unit of ordering and of sequential processing per group. */
  partitions?: number;
  /**
   * Records a partition retains at most (default 1000): records not yet committed by every group, or waiting for
   * a first group. A publish that finds its partition full waits for space (back-pressure).
   */
  partitionCapacity?: number;
  /** Redelivery backoff after a failed batch. */
  retry?: RetryOptions;
  /** Reporter for consumer errors (default: a JSON warning on stdout). */
  onError?: StreamErrorHandler;
  /**
   * A durable journal for some topics (issue 11). A publish to a journaled topic resolves once the journal
   * committed it (and it is in its partition), or once every consumer group committed all its records,
   * whichever comes first: the device's PUBACK never waits for the scorer, and when the scorer is quicker than
   * the journal's group commit the publish is never written to the journal at all. So a group's commit on a
   * journaled topic must mean its handling is durable (the scorer's commits follow its database commit), as
   * the journal's release of a publish already assumed. What the journal still holds at start is replayed by
   * {@link recover}.
   */
  journal?: StreamJournal;
}

/** One published record as the journal keeps it: its key, its value as JSON text, its headers. */
export interface JournalRecord {
  key: string;
  json: string;
  headers: StreamHeaders;
}

/**
 * Where the in-process stream makes publishes durable (implemented over PostgreSQL by `@vigil/storage`'s
 * `StreamJournalRepository`, with group commit). Holds each publish call until every consumer group has
 * committed all its records, then the stream releases it.
 */
export interface StreamJournal {
  /** The topics journaled; publishes to other topics keep the commit-wait behaviour. */
  readonly topics: readonly string[];
  /**
   * Appends one publish call durably; resolves with its journal id once committed. `handled` is asked when the
   * append's group commit begins: if every group has committed the records by then, they are durable where
   * the consumers put them, so the journal may skip writing them and resolve with `null`.
   */
  append(topic: string, records: readonly JournalRecord[], handled?: () => boolean): Promise<string | null>;
  /** Every group committed the publish `id`: it may be forgotten (batched by the journal). */
  release(id: string): void;
  /** The publishes still held, oldest first: replayed at start. */
  pending(): Promise<{ id: string; topic: string; records: JournalRecord[] }[]>;
}

/** A snapshot of one partition, for health pages and tests. */
export interface InProcessPartitionStats {
  partition: number;
  /** Records held: appended, not yet committed by every group (or waiting for a first group). */
  retained: number;
  /** Records whose publish is waiting for space in this partition. */
  waitingToAppend: number;
  /** The most records this partition ever retained at once; never above the capacity. */
  highWater: number;
  /** Offset the next appended record gets. */
  nextOffset: string;
}

/** A snapshot of one consumer group. */
export interface InProcessGroupStats {
  groupId: string;
  subscribers: number;
  /** Per partition, the next offset to deliver (everything before it is committed). */
  committed: string[];
  /** Records appended but not yet committed by this group, over all partitions. */
  lag: number;
}

/** A snapshot of one topic. */
export interface InProcessTopicStats {
  topic: string;
  capacityPerPartition: number;
  partitions: InProcessPartitionStats[];
  groups: InProcessGroupStats[];
}

interface Ticket {
  /** Records not yet committed by every group. */
  remaining: number;
  settled: boolean;
  done: Deferred<void>;
  /** Set when the topic is journaled: the publish resolves when durable and appended. */
  journal?: JournalTicket;
}

interface JournalTicket {
  id: string | null;
  durable: boolean;
  /** Records still waiting for space in their partition. */
  unappended: number;
  released: boolean;
}

interface Entry {
  offset: number;
  /** When it entered its partition (for the age of the oldest record not yet committed). */
  appendedAt: number;
  key: string;
  json: string;
  headers: StreamHeaders;
  ticket: Ticket;
}

type PendingAppend = Omit<Entry, 'offset' | 'appendedAt'>;

/** FIFO with O(1) shift (Array#shift is O(n) and the waiting line can be long). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  values(): T[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

interface PartitionState {
  index: number;
  /** Contiguous offsets: log[i].offset === log[0].offset + i. */
  log: Entry[];
  nextOffset: number;
  waiting: Fifo<PendingAppend>;
  highWater: number;
}

interface TopicState {
  name: string;
  partitions: PartitionState[];
  groups: Map<string, GroupState>;
}

interface Inflight {
  member: Member;
  settled: Promise<void>;
  done: boolean;
  abandoned: boolean;
}

interface Worker {
  group: GroupState;
  partition: number;
  owner: Member | null;
  inflight: Inflight | null;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
  pumpQueued: boolean;
  /**
   * With a dead-letter topic: records up to this offset are delivered one at a time, because a batch holding them
   * kept failing (-1: none). The record at fault is found so, and set aside alone.
   */
  splitUntil: number;
}

interface GroupState {
  id: string;
  topic: TopicState;
  /** Open subscriptions, in join order; partition p belongs to members[p % members.length]. */
  members: Member[];
  /** Per partition, the next offset to deliver; everything before it is committed. */
  cursors: number[];
  workers: Worker[];
}

class Member implements Subscription {
  closing: Promise<void> | null = null;
  deadLettered = 0;
  lastError: string | undefined;

  constructor(
    readonly group: GroupState,
    readonly maxBatchSize: number,
    readonly closeTimeoutMs: number,
    readonly onError: StreamErrorHandler,
    readonly deliver: (entries: Entry[], partition: number) => Promise<void>,
    private readonly onClose: (member: Member) => Promise<void>,
    readonly deadLetter: DeadLetterOptions | undefined,
  ) {}

  close(): Promise<void> {
    this.closing ??= this.onClose(this);
    return this.closing;
  }
}

const DEFAULT_PARTITIONS = 8;
const DEFAULT_CAPACITY = 1000;
const DEFAULT_MAX_BATCH = 500;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * The stream inside one Node process, for the embedded mode. Kafka-like on purpose, so that the services behave
 * the same in both modes: topics split into partitions by Kafka's key hash, consumer groups, per-(group,
 * partition) sequential batches, commit after `handle`, redelivery with backoff. Unlike Kafka it keeps nothing
 * once every group has committed. Without a journal, `publish` resolves only then (that commit is what makes a
 * record durable here); with a {@link StreamJournal} for the topic (the embedded runtime journals the vitals
 * topic in PostgreSQL), it resolves once the journal committed it or every group committed it, whichever is
 * first (a publish the groups committed before the journal's group commit began is never written to it).
 * Its memory is bounded by `partitionCapacity`.
 *
 * A group starts from what the topic still retains if it is the topic's first group (records published before
 * anyone subscribed), otherwise from the end. A group lives as long as the stream: when its last subscriber
 * closes, records keep accumulating for it (up to the capacity) until a subscriber of the same group returns.
 */
export class InProcessStream implements StreamPort {
  private readonly partitionCount: number;
  /** Every partition of a topic hands its batch over as soon as it has records, independently of the others. */
  get concurrentPartitionBatches(): number {
    return this.partitionCount;
  }
  private readonly capacity: number;
  private readonly retry: ResolvedRetry;
  private readonly onError: StreamErrorHandler;
  private readonly topics = new Map<string, TopicState>();
  private readonly members = new Set<Member>();
  private readonly journal: StreamJournal | null;
  private closing: Promise<void> | null = null;

  constructor(options: InProcessStreamOptions = {}) {
    this.partitionCount = positiveInteger('partitions', options.partitions ?? DEFAULT_PARTITIONS);
    this.capacity = positiveInteger('partitionCapacity', options.partitionCapacity ?? DEFAULT_CAPACITY);
    this.retry = resolveRetry(options.retry);
    this.onError = options.onError ?? consoleStreamErrorHandler;
    this.journal = options.journal ?? null;
  }

  /**
   * Replays what the journal still holds (publishes some group had not committed when the process stopped)
   * into their partitions, before anything subscribes: the first group of each topic receives them. Call
   * once at start. Returns the number of records replayed.
   */
  async recover(): Promise<number> {
    if (!this.journal) return 0;
    let count = 0;
    for (const held of await this.journal.pending()) {
      const topic = this.topic(held.topic);
      const ticket: Ticket = {
        remaining: held.records.length,
        settled: true,
        done: deferred<void>(),
        journal: { id: held.id, durable: true, unappended: held.records.length, released: false },
      };
      for (const record of held.records) {
        const item = { key: record.key, json: record.json, headers: { ...record.headers }, ticket };
        this.offer(topic, topic.partitions[partitionFor(item.key, this.partitionCount)], item);
        count += 1;
      }
    }
    return count;
  }

  publish(topicName: string, records: StreamRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    let pending: PendingAppend[];
    const ticket: Ticket = { remaining: records.length, settled: false, done: deferred<void>() };
    try {
      requireName('topic', topicName);
      // Serialise everything first: a value that cannot be serialised rejects the whole call, nothing appended.
      pending = records.map((record, i) => {
        if (typeof record.key !== 'string') throw new TypeError(`records[${i}].key must be a string`);
        return { key: record.key, json: encodeValue(record.value), headers: { ...record.headers }, ticket };
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (pending.length === 0) return Promise.resolve();
    const topic = this.topic(topicName);
    const journal = this.journal?.topics.includes(topicName) ? this.journal : null;
    if (journal) ticket.journal = { id: null, durable: false, unappended: pending.length, released: false };
    // Synchronous appends (no await in between) keep the order of consecutive publish calls per key. A
    // journaled record may be delivered before its journal commit: consumers are idempotent, and the publish
    // (hence the PUBACK) still waits for the commit.
    for (const item of pending)
      this.offer(topic, topic.partitions[partitionFor(item.key, this.partitionCount)], item);
    if (journal) {
      const records = pending.map((p) => ({ key: p.key, json: p.json, headers: p.headers }));
      journal
        .append(topicName, records, () => ticket.remaining === 0)
        .then(
          (id) => {
            const j = ticket.journal as JournalTicket;
            j.id = id;
            j.durable = true;
            this.settleJournaled(ticket);
            this.releaseIfCommitted(ticket);
          },
          (error: unknown) => {
            if (ticket.settled) return;
            ticket.settled = true;
            ticket.done.reject(error);
          },
        );
    }
    return ticket.done.promise;
  }

  private settleJournaled(ticket: Ticket): void {
    const j = ticket.journal;
    if (!j || ticket.settled || !j.durable || j.unappended > 0) return;
    ticket.settled = true;
    ticket.done.resolve();
  }

  private releaseIfCommitted(ticket: Ticket): void {
    const j = ticket.journal;
    if (!j || j.released || j.id === null || ticket.remaining > 0) return;
    j.released = true;
    this.journal?.release(j.id);
  }

  /**
   * Every group committed all the records of a journaled publish: they are durable where the consumers put
   * them, so the publish resolves now if the journal has not committed it yet, and the journal forgets it
   * (or, if its group commit has not begun, never writes it).
   */
  private settleCommitted(ticket: Ticket): void {
    this.releaseIfCommitted(ticket);
    if (ticket.settled) return;
    ticket.settled = true;
    ticket.done.resolve();
  }

  subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    let member: Member;
    try {
      requireName('topic', options.topic);
      requireName('groupId', options.groupId);
      if (typeof options.handle !== 'function') throw new TypeError('handle must be a function');
      const maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH);
      const closeTimeoutMs = nonNegative(
        'closeTimeoutMs',
        options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
      );
      const topic = this.topic(options.topic);
      const group = this.group(topic, options.groupId);
      const decode = options.decode ?? ((value: unknown) => value as T);
      const deliver = (entries: Entry[], partition: number): Promise<void> => {
        const records = entries.map((entry): ConsumedRecord<T> => ({
          topic: topic.name,
          partition,
          offset: String(entry.offset),
          key: entry.key,
          // Parsed afresh per delivery: no consumer shares an object with the publisher or another consumer.
          value: decode(decodeValue(entry.json)),
          headers: { ...entry.headers },
        }));
        const batch: ConsumedBatch<T> = {
          topic: topic.name,
          partition,
          records,
          heartbeat: async () => undefined,
        };
        return options.handle(batch);
      };
      member = new Member(
        group,
        maxBatchSize,
        closeTimeoutMs,
        options.onError ?? this.onError,
        deliver,
        (m) => this.closeMember(m),
        options.deadLetter ? validDeadLetter(options.deadLetter) : undefined,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    this.members.add(member);
    member.group.members.push(member);
    this.rebalance(member.group);
    return Promise.resolve(member);
  }

  ensureTopics(topics: readonly string[]): Promise<void> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    try {
      for (const name of topics) {
        requireName('topic', name);
        this.topic(name);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * In-process subscriptions never crash: a failing handler is retried (and reported), for ever without a
   * dead-letter topic, and with one until the record at fault is set aside.
   */
  health(): StreamHealth {
    return {
      adapter: 'in-process',
      ok: true,
      consumers: [...this.members].map((m) => {
        const topic = m.group.topic;
        let lag = 0;
        let oldest = Number.POSITIVE_INFINITY;
        for (const p of topic.partitions) {
          const cursor = m.group.cursors[p.index];
          lag += p.nextOffset - cursor + p.waiting.size;
          const first = p.log.find((e) => e.offset >= cursor);
          if (first) oldest = Math.min(oldest, first.appendedAt);
        }
        return {
          topic: topic.name,
          groupId: m.group.id,
          state: m.closing ? ('closed' as const) : ('running' as const),
          deadLettered: m.deadLettered,
          lag,
          oldestPendingAgeMs: Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0,
          lastBatchSize: 0,
          ...(m.lastError === undefined ? {} : { lastError: m.lastError }),
        };
      }),
    };
  }

  /** A snapshot of a topic's queues and groups (undefined for a topic never used). */
  stats(topicName: string): InProcessTopicStats | undefined {
    const topic = this.topics.get(topicName);
    if (!topic) return undefined;
    return {
      topic: topic.name,
      capacityPerPartition: this.capacity,
      partitions: topic.partitions.map((p) => ({
        partition: p.index,
        retained: p.log.length,
        waitingToAppend: p.waiting.size,
        highWater: p.highWater,
        nextOffset: String(p.nextOffset),
      })),
      groups: [...topic.groups.values()].map((g) => ({
        groupId: g.id,
        subscribers: g.members.length,
        committed: g.cursors.map(String),
        lag: g.cursors.reduce((sum, cursor, i) => sum + topic.partitions[i].nextOffset - cursor, 0),
      })),
    };
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.members].map((member) => member.close()));
    const tickets = new Set<Ticket>();
    for (const topic of this.topics.values()) {
      for (const group of topic.groups.values()) {
        for (const worker of group.workers) this.clearRetry(worker);
      }
      for (const partition of topic.partitions) {
        for (const entry of partition.log) tickets.add(entry.ticket);
        for (const item of partition.waiting.values()) tickets.add(item.ticket);
        partition.log = [];
        partition.waiting.clear();
      }
    }
    this.topics.clear();
    for (const ticket of tickets) {
      if (ticket.settled) continue;
      ticket.settled = true;
      ticket.done.reject(new StreamClosedError('The stream closed before these records were committed'));
    }
  }

  private topic(name: string): TopicState {
    let topic = this.topics.get(name);
    if (!topic) {
      topic = {
        name,
        groups: new Map(),
        partitions: Array.from({ length: this.partitionCount }, (_, index) => ({
          index,
          log: [],
          nextOffset: 0,
          waiting: new Fifo<PendingAppend>(),
          highWater: 0,
        })),
      };
      this.topics.set(name, topic);
    }
    return topic;
  }

  private group(topic: TopicState, id: string): GroupState {
    let group = topic.groups.get(id);
    if (!group) {
      const first = topic.groups.size === 0;
      group = {
        id,
        topic,
        members: [],
        // The first group takes over what was published before anyone subscribed; later ones start at the end
        // (what is retained then is only there for the groups that already exist).
        cursors: topic.partitions.map((p) => (first ? (p.log[0]?.offset ?? p.nextOffset) : p.nextOffset)),
        workers: [],
      };
      const created = group;
      created.workers = topic.partitions.map((p) => ({
        group: created,
        partition: p.index,
        owner: null,
        inflight: null,
        retryTimer: null,
        failures: 0,
        pumpQueued: false,
        splitUntil: -1,
      }));
      topic.groups.set(id, group);
    }
    return group;
  }

  private offer(topic: TopicState, partition: PartitionState, item: PendingAppend): void {
    if (partition.waiting.size === 0 && partition.log.length < this.capacity) {
      this.append(partition, item);
      this.pumpPartition(topic, partition.index);
    } else {
      partition.waiting.push(item);
    }
  }

  private append(partition: PartitionState, item: PendingAppend): void {
    partition.log.push({ ...item, offset: partition.nextOffset, appendedAt: Date.now() });
    partition.nextOffset += 1;
    partition.highWater = Math.max(partition.highWater, partition.log.length);
    const j = item.ticket.journal;
    if (j) {
      j.unappended -= 1;
      this.settleJournaled(item.ticket);
    }
  }

  private pumpPartition(topic: TopicState, partition: number): void {
    for (const group of topic.groups.values()) this.requestPump(group.workers[partition]);
  }

  /** Deferred to a microtask so that records appended in the same tick travel in one batch. */
  private requestPump(worker: Worker): void {
    if (worker.pumpQueued) return;
    worker.pumpQueued = true;
    queueMicrotask(() => {
      worker.pumpQueued = false;
      this.pump(worker);
    });
  }

  private pump(worker: Worker): void {
    const owner = worker.owner;
    if (this.closing || !owner || worker.inflight || worker.retryTimer) return;
    const group = worker.group;
    const partition = group.topic.partitions[worker.partition];
    const cursor = group.cursors[worker.partition];
    if (cursor >= partition.nextOffset) return;
    const start = cursor - partition.log[0].offset;
    const entries = partition.log.slice(
      start,
      start + (cursor <= worker.splitUntil ? 1 : owner.maxBatchSize),
    );
    const attempt = worker.failures + 1;
    const inflight: Inflight = { member: owner, settled: Promise.resolve(), done: false, abandoned: false };
    // A subscription closed (with no grace) before this microtask ran never sees the batch.
    const run = Promise.resolve().then(() =>
      inflight.abandoned ? undefined : owner.deliver(entries, worker.partition),
    );
    inflight.settled = run.then(
      () => this.onHandled(worker, inflight, entries),
      (error: unknown) => this.onFailed(worker, inflight, entries, attempt, error),
    );
    worker.inflight = inflight;
  }

  private onHandled(worker: Worker, inflight: Inflight, entries: Entry[]): void {
    inflight.done = true;
    if (inflight.abandoned) return;
    worker.inflight = null;
    worker.failures = 0;
    const group = worker.group;
    group.cursors[worker.partition] = entries[entries.length - 1].offset + 1;
    this.trim(group.topic, group.topic.partitions[worker.partition]);
    this.requestPump(worker);
  }

  private onFailed(
    worker: Worker,
    inflight: Inflight,
    entries: Entry[],
    attempt: number,
    error: unknown,
  ): void {
    inflight.done = true;
    const group = worker.group;
    const context = {
      topic: group.topic.name,
      groupId: group.id,
      partition: worker.partition,
      firstOffset: String(entries[0].offset),
      lastOffset: String(entries[entries.length - 1].offset),
      attempt,
    };
    if (inflight.abandoned) {
      report(inflight.member.onError, error, { ...context, phase: 'abandoned' });
      return;
    }
    worker.inflight = null;
    worker.failures += 1;
    const member = inflight.member;
    member.lastError = error instanceof Error ? error.message : String(error);
    const deadLetter = member.deadLetter;
    const bounded = deadLetter !== undefined && !(deadLetter.isTransient?.(error) ?? false);
    if (bounded && worker.failures >= deadLetter.maxAttempts && !this.closing && worker.owner === member) {
      // As the Kafka adapter does: a batch that keeps failing is split to find the record at fault, and that
      // record alone, once it too has failed `maxAttempts` times, is moved to the dead-letter topic.
      report(member.onError, error, { ...context, phase: 'handle' });
      worker.failures = 0;
      if (entries.length > 1) {
        worker.splitUntil = entries[entries.length - 1].offset;
        this.requestPump(worker);
      } else {
        this.deadLetterEntry(worker, member, deadLetter, entries[0], error, attempt);
      }
      return;
    }
    const retryInMs = backoffDelay(this.retry, worker.failures);
    report(inflight.member.onError, error, { ...context, phase: 'handle', retryInMs });
    // Without an owner there is no one to retry for; the next subscriber's arrival triggers the redelivery.
    if (this.closing || !worker.owner) return;
    worker.retryTimer = setTimeout(() => {
      worker.retryTimer = null;
      this.pump(worker);
    }, retryInMs);
  }

  /**
   * Moves a record that kept failing to the dead-letter topic (its key, value and headers, and where it came from
   * and why), then commits past it. The partition waits meanwhile: the move is done once every group of the
   * dead-letter topic has committed the copy (in-process, that is where it becomes durable; with no group yet it
   * waits for the first), so a record is never committed away before its copy is kept. A failed move (the stream
   * closing) is retried like a failed batch.
   */
  private deadLetterEntry(
    worker: Worker,
    member: Member,
    deadLetter: DeadLetterOptions,
    entry: Entry,
    error: unknown,
    attempts: number,
  ): void {
    const group = worker.group;
    const context = {
      topic: group.topic.name,
      groupId: group.id,
      partition: worker.partition,
      firstOffset: String(entry.offset),
      lastOffset: String(entry.offset),
      attempt: attempts,
    };
    const headers = deadLetterHeaders(entry.headers, {
      topic: group.topic.name,
      partition: worker.partition,
      offset: String(entry.offset),
      groupId: group.id,
      error,
      attempts,
    });
    const inflight: Inflight = { member, settled: Promise.resolve(), done: false, abandoned: false };
    inflight.settled = this.publish(deadLetter.topic, [
      { key: entry.key, value: decodeValue(entry.json), headers },
    ]).then(
      () => {
        if (!inflight.abandoned) {
          member.deadLettered += 1;
          report(member.onError, error, { ...context, phase: 'dead-letter' });
        }
        this.onHandled(worker, inflight, [entry]);
      },
      (moveError: unknown) => this.onFailed(worker, inflight, [entry], attempts, moveError),
    );
    worker.inflight = inflight;
  }

  /** Drops what every group has committed, settles the publishes it completes, lets waiting publishes in. */
  private trim(topic: TopicState, partition: PartitionState): void {
    if (topic.groups.size === 0) return;
    let committed = Number.POSITIVE_INFINITY;
    for (const group of topic.groups.values())
      committed = Math.min(committed, group.cursors[partition.index]);
    let count = 0;
    while (count < partition.log.length && partition.log[count].offset < committed) count += 1;
    if (count === 0) return;
    for (const entry of partition.log.splice(0, count)) {
      const ticket = entry.ticket;
      ticket.remaining -= 1;
      if (ticket.remaining > 0) continue;
      if (ticket.journal) this.settleCommitted(ticket);
      else if (!ticket.settled) {
        ticket.settled = true;
        ticket.done.resolve();
      }
    }
    let admitted = false;
    while (partition.waiting.size > 0 && partition.log.length < this.capacity) {
      this.append(partition, partition.waiting.shift() as PendingAppend);
      admitted = true;
    }
    if (admitted) this.pumpPartition(topic, partition.index);
  }

  /** Partition p goes to members[p % members.length]; a batch in flight finishes with its old owner first. */
  private rebalance(group: GroupState): void {
    for (const worker of group.workers) {
      const owner = group.members.length > 0 ? group.members[worker.partition % group.members.length] : null;
      if (owner !== worker.owner) {
        worker.owner = owner;
        // A new owner retries at once, as a new Kafka consumer would fetch from the committed offset, and counts
        // its attempts afresh (as Kafka's does: its first failure does not split a batch another one failed on).
        this.clearRetry(worker);
        worker.failures = 0;
      }
      this.requestPump(worker);
    }
  }

  private clearRetry(worker: Worker): void {
    if (worker.retryTimer) clearTimeout(worker.retryTimer);
    worker.retryTimer = null;
  }

  private async closeMember(member: Member): Promise<void> {
    const group = member.group;
    group.members = group.members.filter((m) => m !== member);
    this.rebalance(group);
    const inflight = group.workers
      .filter((worker) => worker.inflight?.member === member)
      .map((worker) => ({ worker, inflight: worker.inflight as Inflight }));
    if (inflight.length > 0 && member.closeTimeoutMs > 0) {
      await settleWithin(Promise.all(inflight.map((i) => i.inflight.settled)), member.closeTimeoutMs);
    }
    for (const { worker, inflight: batch } of inflight) {
      if (batch.done || worker.inflight !== batch) continue;
      // Abandoned uncommitted: the group's next subscriber gets these records again.
      batch.abandoned = true;
      worker.inflight = null;
      this.requestPump(worker);
    }
    this.members.delete(member);
  }
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
