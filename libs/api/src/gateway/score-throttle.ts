/**
 * At most one event per key per interval, and never a stale last word (issue 11: at most one score event per
 * patient per second on the socket). The first event of a quiet key goes at once; events within the
 * interval are held, the newest replacing older ones, and the newest is sent when the interval ends — so a
 * console always ends on the patient's latest score. Only score updates go through it; alerts are never held.
 */
export class PerKeyThrottle<T> {
  private readonly sentAt = new Map<string, number>();
  private readonly held = new Map<string, T>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Events replaced by a newer one before they were sent (for metrics). */
  coalesced = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  offer(key: string, value: T): void {
    const t = this.now();
    const last = this.sentAt.get(key);
    if (!this.timers.has(key) && (last === undefined || t - last >= this.intervalMs)) {
      this.sentAt.set(key, t);
      this.send(value);
      return;
    }
    if (this.held.has(key)) this.coalesced += 1;
    this.held.set(key, value);
    if (this.timers.has(key)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        const newest = this.held.get(key);
        this.held.delete(key);
        if (newest === undefined) return;
        this.sentAt.set(key, this.now());
        this.send(newest);
      },
      Math.max(0, this.intervalMs - (t - (last ?? t))),
    );
    timer.unref?.();
    this.timers.set(key, timer);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
  }
}
