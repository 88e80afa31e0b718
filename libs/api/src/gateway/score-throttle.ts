/**
 * Score updates on the sockets, digested per room (issue 11): at most one `scores` message per room per interval,
 * carrying the newest score event of each patient that changed — never a stale last word. The first update of a
 * quiet room goes at once; updates within the interval are held (a patient's newest replacing older ones) and sent
 * together when it ends. Before, each patient's update was its own message to every socket of the ward (at 1,000
 * readings/s, 200 patients × 50 nurses = 10,000 frames a second, each making a console refetch); now it is one per
 * room per second. Only score updates go through it; alerts are never held.
 */
export class PerRoomDigest<T> {
  private readonly sentAt = new Map<string, number>();
  private readonly held = new Map<string, Map<string, T>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Updates replaced by a newer one of the same key before they were sent (for metrics). */
  coalesced = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (room: string, values: T[]) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  offer(room: string, key: string, value: T): void {
    const t = this.now();
    const last = this.sentAt.get(room);
    if (!this.timers.has(room) && (last === undefined || t - last >= this.intervalMs)) {
      this.sentAt.set(room, t);
      this.send(room, [value]);
      return;
    }
    const held = this.held.get(room) ?? new Map<string, T>();
    if (held.has(key)) this.coalesced += 1;
    held.delete(key); // re-inserted last: a digest lists its updates oldest first
    held.set(key, value);
    this.held.set(room, held);
    if (this.timers.has(room)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(room);
        const values = this.held.get(room);
        this.held.delete(room);
        if (!values || values.size === 0) return;
        this.sentAt.set(room, this.now());
        this.send(room, [...values.values()]);
      },
      Math.max(0, this.intervalMs - (t - (last ?? t))),
    );
    timer.unref?.();
    this.timers.set(room, timer);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.held.clear();
  }
}
