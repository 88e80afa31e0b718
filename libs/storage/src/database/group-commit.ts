/**
 * Group commit: many callers' items written by one flush (one transaction), each caller resolved with its
 * own results only after that flush committed (issue 11). A flush starts when the previous one finished and
 * `lingerMs` has passed since the first item waiting arrived, or at once when `maxItems` are waiting, so under
 * load the flushes grow instead of multiplying. A failed flush rejects every caller in it (nothing is
 * acknowledged that was not written); the next flush is unaffected.
 */
export interface GroupCommitOptions<T, R> {
  /** Writes the items in one transaction; returns one result per item, in order. */
  flush: (items: readonly T[]) => Promise<readonly R[]>;
  /** How long the first waiting item may wait for company (default 5 ms). */
  lingerMs?: number;
  /** Flush at once when this many items wait (default 2,000). */
  maxItems?: number;
}

interface Waiting<T, R> {
  items: readonly T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private readonly lingerMs: number;
  private readonly maxItems: number;
  private queue: Waiting<T, R>[] = [];
  private queued = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Flushes made and items written, for metrics and benchmarks. */
  readonly stats = { flushes: 0, items: 0, failures: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.lingerMs = options.lingerMs ?? 5;
    this.maxItems = options.maxItems ?? 2000;
  }

  /** Adds items to the next flush; resolves with their results once it committed. */
  add(items: readonly T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      this.schedule();
    });
  }

  /** Items waiting for a flush. */
  get pending(): number {
    return this.queued;
  }

  /** Resolves when everything added so far has been flushed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.start();
      await this.flushing;
    }
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush starts the next one when it ends
    if (this.queued >= this.maxItems || this.lingerMs === 0) {
      this.start();
      return;
    }
    this.timer ??= setTimeout(() => this.start(), this.lingerMs);
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing || this.queue.length === 0) return;
    const batch: Waiting<T, R>[] = [];
    let count = 0;
    while (this.queue.length > 0 && (count === 0 || count + this.queue[0].items.length <= this.maxItems)) {
      const next = this.queue.shift() as Waiting<T, R>;
      batch.push(next);
      count += next.items.length;
    }
    this.queued -= count;
    this.flushing = this.run(batch, count).finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async run(batch: Waiting<T, R>[], count: number): Promise<void> {
    const items = batch.flatMap((w) => w.items);
    try {
      const results = await this.options.flush(items);
      if (results.length !== items.length)
        throw new Error(`group commit: flush returned ${results.length} results for ${items.length} items`);
      this.stats.flushes += 1;
      this.stats.items += count;
      let at = 0;
      for (const waiting of batch) {
        waiting.resolve(results.slice(at, at + waiting.items.length) as R[]);
        at += waiting.items.length;
      }
    } catch (error) {
      this.stats.failures += 1;
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
