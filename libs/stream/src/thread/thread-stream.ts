import type { InProcessStream, JournalRecord } from '../in-process/in-process-stream';
import { deferred, type Deferred } from '../internal/deferred';
import { decodeValue, encodeValue } from '../internal/json';
import { consoleStreamErrorHandler, report } from '../internal/report';
import {
  StreamClosedError,
  type ConsumedBatch,
  type ConsumedRecord,
  type StreamErrorContext,
  type StreamErrorHandler,
  type StreamHealth,
  type StreamHeaders,
  type StreamPort,
  type StreamRecord,
  type SubscribeOptions,
  type Subscription,
} from '../stream.port';

/**
 * The in-process stream seen from a worker thread (issue 11): the embedded runtime runs its scorer on a thread
 * of its own, so that scoring and its database round trips no longer queue behind MQTT and ingest on the one
 * event loop. The stream itself stays on the main thread (ingest publishes to it, the api consumes from it);
 * {@link serveStreamToThread} serves it over a `MessagePort`, and {@link ThreadStream} is the {@link StreamPort}
 * the thread uses. Values cross as JSON text — encoded on the publishing thread, parsed on the consuming one —
 * so neither the main thread's JSON work nor a structured clone is added for the records the thread consumes.
 *
 * The guarantees are the in-process stream's, unchanged: a batch is committed only after the thread's `handle`
 * resolved (its reply crosses back), a publish resolves only once the main thread's stream resolved it. What the
 * bridge adds is one failure: the thread gone (crashed, terminated). Then the batches it held are abandoned
 * uncommitted — redelivered to the group's next subscriber — and its pending publishes reject.
 */

/** An error as it crosses the port: enough to rebuild one a reporter or `isInfrastructureError` can read. */
export interface CrossedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

interface CrossedRecord {
  offset: string;
  key: string;
  json: string;
  headers: StreamHeaders;
}

/** Thread → main thread. */
export type ToStreamHost =
  | {
      op: 'subscribe';
      id: number;
      /** Named by the thread, which knows it before a batch for it can arrive. */
      subscription: number;
      topic: string;
      groupId: string;
      maxBatchSize?: number;
      closeTimeoutMs?: number;
      fanOut?: boolean;
    }
  | { op: 'unsubscribe'; id: number; subscription: number }
  | { op: 'handled'; batch: number; error?: CrossedError }
  | { op: 'publish'; id: number; topic: string; records: JournalRecord[] }
  | { op: 'ensure-topics'; id: number; topics: string[] };

/** Main thread → thread. */
export type ToStreamThread =
  | { op: 'reply'; id: number; error?: CrossedError }
  | {
      op: 'batch';
      subscription: number;
      batch: number;
      topic: string;
      partition: number;
      records: CrossedRecord[];
    }
  | { op: 'error'; subscription: number; error: CrossedError; context: StreamErrorContext };

/**
 * One end of the channel between the threads: the `Worker` on the main thread, `parentPort` on the worker (a
 * `MessagePort` of a `MessageChannel` in tests). The bridge's messages are tagged, so it may carry others too.
 */
export interface ThreadPort {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
  /** A `MessagePort` says when the other end closed; then nothing more can be asked of the main thread. */
  once?(event: 'close', listener: () => void): unknown;
}

/** Messages of the bridge carry this tag, so the port can carry other messages beside them. */
const TAG = 'vigil.stream';

interface Tagged<T> {
  tag: typeof TAG;
  message: T;
}

export function crossError(error: unknown): CrossedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

export function rebuildError(crossed: CrossedError): Error {
  const error = new Error(crossed.message);
  error.name = crossed.name;
  if (crossed.stack) error.stack = crossed.stack;
  if (crossed.code !== undefined) (error as Error & { code?: string }).code = crossed.code;
  return error;
}

function isTagged<T>(data: unknown): data is Tagged<T> {
  return typeof data === 'object' && data !== null && (data as { tag?: unknown }).tag === TAG;
}

/** The main thread's side: serves `stream` to the thread at the other end of `port`. */
export interface StreamHost {
  /**
   * The thread is gone or going: its subscriptions close (batches in flight abandoned, for the group's next
   * subscriber) and nothing more is served. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Serves an {@link InProcessStream} to a worker thread over `port` (the thread uses {@link ThreadStream} on the
 * other end). Call {@link StreamHost.close} when the thread exits.
 */
export function serveStreamToThread(stream: InProcessStream, port: ThreadPort): StreamHost {
  const subscriptions = new Map<number, Subscription>();
  const batches = new Map<number, Deferred<void>>();
  let nextBatch = 1;
  let closing: Promise<void> | null = null;
  const send = (message: ToStreamThread) => {
    if (!closing) port.postMessage({ tag: TAG, message } satisfies Tagged<ToStreamThread>);
  };
  const reply = (id: number, work: Promise<void>) => {
    work.then(
      () => send({ op: 'reply', id }),
      (error: unknown) => send({ op: 'reply', id, error: crossError(error) }),
    );
  };

  const onMessage = (data: unknown) => {
    if (!isTagged<ToStreamHost>(data) || closing) return;
    const message = data.message;
    switch (message.op) {
      case 'publish':
        reply(message.id, stream.publishEncoded(message.topic, message.records));
        break;
      case 'ensure-topics':
        reply(message.id, stream.ensureTopics(message.topics));
        break;
      case 'subscribe': {
        const id = message.subscription;
        reply(
          message.id,
          stream
            .subscribeEncoded({
              topic: message.topic,
              groupId: message.groupId,
              maxBatchSize: message.maxBatchSize,
              closeTimeoutMs: message.closeTimeoutMs,
              fanOut: message.fanOut,
              onError: (error, context) =>
                send({ op: 'error', subscription: id, error: crossError(error), context }),
              handle: (batch) => {
                const handled = deferred<void>();
                const batchId = nextBatch++;
                batches.set(batchId, handled);
                send({
                  op: 'batch',
                  subscription: id,
                  batch: batchId,
                  topic: batch.topic,
                  partition: batch.partition,
                  records: batch.records.map((r) => ({
                    offset: r.offset,
                    key: r.key,
                    json: r.value,
                    headers: r.headers,
                  })),
                });
                return handled.promise;
              },
            })
            .then((subscription) => {
              subscriptions.set(id, subscription);
            }),
        );
        break;
      }
      case 'unsubscribe': {
        const subscription = subscriptions.get(message.subscription);
        subscriptions.delete(message.subscription);
        reply(message.id, subscription ? subscription.close() : Promise.resolve());
        break;
      }
      case 'handled': {
        const handled = batches.get(message.batch);
        batches.delete(message.batch);
        if (message.error) handled?.reject(rebuildError(message.error));
        else handled?.resolve();
        break;
      }
    }
  };
  port.on('message', onMessage);

  return {
    close() {
      closing ??= (async () => {
        port.off('message', onMessage);
        // The thread will never answer: what it held goes back to its group, uncommitted.
        const gone = new StreamClosedError('The thread consuming this batch stopped before it was handled');
        for (const handled of batches.values()) handled.reject(gone);
        batches.clear();
        const open = [...subscriptions.values()];
        subscriptions.clear();
        await Promise.all(open.map((s) => s.close()));
      })();
      return closing;
    },
  };
}

interface ThreadSubscription<T> {
  options: SubscribeOptions<T>;
  closing: Promise<void> | null;
}

/** Options of {@link ThreadStream}. */
export interface ThreadStreamOptions {
  /** The main thread's stream's partition batches at once ({@link StreamPort.concurrentPartitionBatches}). */
  concurrentPartitionBatches: number;
  /** Reporter for consumer errors without a subscription's own (default: a JSON warning on stdout). */
  onError?: StreamErrorHandler;
}

/**
 * The {@link StreamPort} of a worker thread whose main thread serves its in-process stream with
 * {@link serveStreamToThread}. Same contract as the in-process stream; `health()` reports nothing of its own
 * (the main thread's stream reports the thread's subscriptions, as its members).
 */
export class ThreadStream implements StreamPort {
  readonly concurrentPartitionBatches: number;
  private readonly onError: StreamErrorHandler;
  private readonly calls = new Map<number, Deferred<void>>();
  private readonly subscriptions = new Map<number, ThreadSubscription<unknown>>();
  private nextCall = 1;
  private nextSubscription = 1;
  private closing: Promise<void> | null = null;
  /** The port closed: calls would never be answered. */
  private disconnected = false;
  private readonly onMessage = (data: unknown) => this.receive(data);

  constructor(
    private readonly port: ThreadPort,
    options: ThreadStreamOptions,
  ) {
    this.concurrentPartitionBatches = options.concurrentPartitionBatches;
    this.onError = options.onError ?? consoleStreamErrorHandler;
    port.on('message', this.onMessage);
    port.once?.('close', () => {
      this.disconnected = true;
      for (const call of this.calls.values())
        call.reject(new StreamClosedError('The main thread’s stream is gone'));
      this.calls.clear();
    });
  }

  publish(topic: string, records: StreamRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new StreamClosedError());
    let encoded: JournalRecord[];
    try {
      encoded = records.map((record, i) => {
        if (typeof record.key !== 'string') throw new TypeError(`records[${i}].key must be a string`);
        return { key: record.key, json: encodeValue(record.value), headers: { ...record.headers } };
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (encoded.length === 0) return Promise.resolve();
    return this.call((id) => ({ op: 'publish', id, topic, records: encoded }));
  }

  async subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.closing) throw new StreamClosedError();
    if (typeof options.handle !== 'function') throw new TypeError('handle must be a function');
    // Known here before the main thread can hand it a batch (it may, before its answer arrives).
    const id = this.nextSubscription++;
    const subscription: ThreadSubscription<T> = { options, closing: null };
    this.subscriptions.set(id, subscription as ThreadSubscription<unknown>);
    try {
      await this.call((call) => ({
        op: 'subscribe',
        id: call,
        subscription: id,
        topic: options.topic,
        groupId: options.groupId,
        maxBatchSize: options.maxBatchSize,
        closeTimeoutMs: options.closeTimeoutMs,
        fanOut: options.fanOut,
      }));
    } catch (error) {
      this.subscriptions.delete(id);
      throw error;
    }
    return {
      close: () => {
        subscription.closing ??= this.closeSubscription(id);
        return subscription.closing;
      },
    };
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    if (this.closing) throw new StreamClosedError();
    await this.call((id) => ({ op: 'ensure-topics', id, topics: [...topics] }));
  }

  health(): StreamHealth {
    return { adapter: 'in-process', ok: true, consumers: [] };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map(([id, s]) => (s.closing ??= this.closeSubscription(id))));
      this.port.off('message', this.onMessage);
      for (const call of this.calls.values()) call.reject(new StreamClosedError());
      this.calls.clear();
    })();
    return this.closing;
  }

  /**
   * The main thread closes the group member (waiting up to `closeTimeoutMs` for a batch in flight, as the
   * in-process stream does); a batch still being handled here when it gave up is abandoned there.
   */
  private async closeSubscription(id: number): Promise<void> {
    try {
      // Cut off, the main thread's side closed its members itself (StreamHost.close).
      if (!this.disconnected) await this.call((call) => ({ op: 'unsubscribe', id: call, subscription: id }));
    } finally {
      this.subscriptions.delete(id);
    }
  }

  private call(make: (id: number) => ToStreamHost): Promise<void> {
    if (this.disconnected) return Promise.reject(new StreamClosedError('The main thread’s stream is gone'));
    const id = this.nextCall++;
    const answer = deferred<void>();
    this.calls.set(id, answer);
    this.port.postMessage({ tag: TAG, message: make(id) } satisfies Tagged<ToStreamHost>);
    return answer.promise;
  }

  private receive(data: unknown): void {
    if (!isTagged<ToStreamThread>(data)) return;
    const message = data.message;
    switch (message.op) {
      case 'reply': {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        if (message.error) call?.reject(rebuildError(message.error));
        else call?.resolve();
        break;
      }
      case 'batch':
        this.handle(message);
        break;
      case 'error': {
        const subscription = this.subscriptions.get(message.subscription);
        report(subscription?.options.onError ?? this.onError, rebuildError(message.error), message.context);
        break;
      }
    }
  }

  private handle(message: Extract<ToStreamThread, { op: 'batch' }>): void {
    const subscription = this.subscriptions.get(message.subscription);
    const done = (error?: unknown) =>
      this.port.postMessage({
        tag: TAG,
        message: {
          op: 'handled',
          batch: message.batch,
          ...(error === undefined ? {} : { error: crossError(error) }),
        },
      } satisfies Tagged<ToStreamHost>);
    if (!subscription) {
      done(new StreamClosedError('This subscription is closed'));
      return;
    }
    const { options } = subscription;
    void (async () => {
      const decode = options.decode ?? ((value: unknown) => value);
      const records = message.records.map((r): ConsumedRecord<unknown> => ({
        topic: message.topic,
        partition: message.partition,
        offset: r.offset,
        key: r.key,
        value: decode(decodeValue(r.json)),
        headers: r.headers,
      }));
      const batch: ConsumedBatch<unknown> = {
        topic: message.topic,
        partition: message.partition,
        records,
        heartbeat: async () => undefined,
      };
      await options.handle(batch);
    })().then(
      () => done(),
      (error: unknown) => done(error ?? new Error('handle rejected without a reason')),
    );
  }
}
