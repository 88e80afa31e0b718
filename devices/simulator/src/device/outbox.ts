/** What the outbox needs from a connection: whether it is up, and a publish that resolves on PUBACK. */
export interface OutboxTransport {
  isConnected(): boolean;
  /** QoS 1 publish; resolves when the broker acknowledged it (PUBACK), rejects when it could not be sent. */
  publish(topic: string, payload: string): Promise<void>;
}

export interface OutboxEntry {
  topic: string;
  payload: string;
  seq: number;
  /** Times handed to the transport. */
  attempts: number;
}

export interface OutboxStats {
  enqueued: number;
  acknowledged: number;
  /** Publishes that failed and were put back for the next connection. */
  retries: number;
  /** Entries discarded because the outbox was full (oldest first), as a hub with full storage would. */
  dropped: number;
}

/**
 * A device's store of messages not yet acknowledged, as a real hub keeps one: a message leaves only
 * when the broker's PUBACK arrives; one whose publish fails (connection lost) goes back to waiting and
 * is sent again, same seq, once the connection is back (`flush`, called on every connect). A message
 * handed to the transport stays in flight until the transport answers, so a reconnect never sends a
 * second copy of something mqtt.js is already redelivering from its own in-flight store.
 */
export class Outbox {
  private readonly entries = new Map<number, OutboxEntry & { inFlight: boolean }>();
  private readonly stats: OutboxStats = { enqueued: 0, acknowledged: 0, retries: 0, dropped: 0 };
  private readonly drainWaiters: (() => void)[] = [];

  constructor(
    private readonly transport: OutboxTransport,
    private readonly options: { maxEntries?: number; onAcknowledged?: (entry: OutboxEntry) => void } = {},
  ) {}

  /** Keeps the message and sends it now if connected. `seq` must be unique within this outbox. */
  enqueue(topic: string, payload: string, seq: number): void {
    if (this.entries.has(seq)) throw new RangeError(`outbox: seq ${seq} is already waiting`);
    const max = this.options.maxEntries ?? 10_000;
    while (this.entries.size >= max) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      this.stats.dropped += 1;
    }
    this.entries.set(seq, { topic, payload, seq, attempts: 0, inFlight: false });
    this.stats.enqueued += 1;
    this.flush();
  }

  /** Sends every waiting message that is not already in flight, oldest first. */
  flush(): void {
    if (!this.transport.isConnected()) return;
    for (const entry of this.entries.values()) {
      if (entry.inFlight) continue;
      entry.inFlight = true;
      entry.attempts += 1;
      this.transport.publish(entry.topic, entry.payload).then(
        () => {
          if (this.entries.delete(entry.seq)) {
            this.stats.acknowledged += 1;
            this.options.onAcknowledged?.(entry);
          }
          if (this.entries.size === 0) this.drainWaiters.splice(0).forEach((wake) => wake());
        },
        () => {
          entry.inFlight = false;
          this.stats.retries += 1;
        },
      );
    }
  }

  /** Messages waiting or in flight. */
  pending(): number {
    return this.entries.size;
  }

  /** The unacknowledged messages, oldest first. */
  waiting(): OutboxEntry[] {
    return [...this.entries.values()].map(({ topic, payload, seq, attempts }) => ({
      topic,
      payload,
      seq,
      attempts,
    }));
  }

  counters(): OutboxStats {
    return { ...this.stats };
  }

  /** Resolves once nothing is pending, or after `timeoutMs`; true when drained. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.entries.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
