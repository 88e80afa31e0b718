/**
 * R12 (HZ-20): each device's clock offset, learned from its messages rather than from one message alone.
 *
 * One message's `sentAt − receivedAt` is the device clock's offset MINUS the time the message spent on its way
 * (a broker queue during an outage, a redelivery after a restart). Correcting each reading by its own message's
 * figure therefore stamps every reading that waited with the moment it was received: a burst redelivered at once
 * had distinct readings land on one `measuredAt`, where the store's (device, parameter, measuredAt) key absorbed
 * all but one as duplicates — acknowledged readings lost (found by the fault suite's mixed round once ingest
 * handled many messages at once, issue 11).
 *
 * So the offset is a per-device estimate that changes only on evidence that persists, and every reading of a
 * device is corrected by the same figure — the spacing the device's own clock gives its readings is kept:
 * - the first message of a device (since this process started) sets it;
 * - a message whose figure is within `stepMs` of it confirms it;
 * - a figure further off starts a candidate; later figures within `stepMs` of the candidate's first keep it
 *   going, and once it has gone on for `settleMs` of receipt time with no confirming message, the largest figure
 *   of the run (the least delayed) becomes the estimate. A clock that was set forward or back gives a flat run
 *   and is followed within `settleMs`; a queue draining after an outage gives rising figures (sent over minutes,
 *   received within moments) and a confirming message at its end, and never moves the estimate.
 * A message whose own figure is more than `stepMs` above the estimate is corrected by its own figure (delay is never
 * negative, so its figure is a lower bound on the offset: a clock set forward is followed at once). Within `stepMs`
 * the estimate is used even when the message's own figure is a few milliseconds higher (it travelled faster than the
 * one the estimate came from): two copies of one message — a redelivery — must get the same time, or the store keeps
 * both (the fault suite's mixed round stored one reading twice when the larger figure was always preferred).
 * Until a jump back is followed, a device's readings keep the old correction: up to `settleMs` of them are misdated
 * early by the jump — flagged with the offset used. Pure state in memory per ingest instance, bounded (least recently used forgotten first).
 */
export interface ClockOffsetOptions {
  /** Figures within this of the estimate confirm it (the network's and the clocks' jitter). */
  stepMs: number;
  /** How long a different figure must persist (receipt time) before it replaces the estimate. */
  settleMs: number;
  /** Devices remembered. */
  capacity: number;
}

interface DeviceClock {
  estimateMs: number;
  /** A run of figures away from the estimate: its first figure, its largest, and when it began. */
  candidate: { anchorMs: number; maxMs: number; sinceMs: number } | null;
}

export const DEFAULT_CLOCK_OFFSET_OPTIONS: ClockOffsetOptions = {
  stepMs: 60_000,
  settleMs: 30_000,
  capacity: 200_000,
};

export class ClockOffsets {
  private readonly devices = new Map<string, DeviceClock>();
  /** Devices whose estimate was set or moved since `takeChanged` last ran (to be saved). */
  private readonly changed = new Set<string>();
  /** Devices taken for a save that has not finished yet. */
  private readonly saving = new Set<string>();

  constructor(private readonly options: ClockOffsetOptions = DEFAULT_CLOCK_OFFSET_OPTIONS) {}

  /** The offset (device clock minus platform clock, ms) to correct this message's readings by. */
  offset(deviceId: string, sentAtMs: number, receivedAtMs: number): number {
    const observed = sentAtMs - receivedAtMs;
    const { stepMs, settleMs } = this.options;
    const known = this.devices.get(deviceId);
    if (!known) {
      this.remember(deviceId, { estimateMs: observed, candidate: null });
      this.changed.add(deviceId);
      return observed;
    }
    this.devices.delete(deviceId);
    this.devices.set(deviceId, known);
    if (Math.abs(observed - known.estimateMs) <= stepMs) {
      known.candidate = null;
    } else if (known.candidate && Math.abs(observed - known.candidate.anchorMs) <= stepMs) {
      known.candidate.maxMs = Math.max(known.candidate.maxMs, observed);
      if (receivedAtMs - known.candidate.sinceMs >= settleMs) {
        known.estimateMs = known.candidate.maxMs;
        known.candidate = null;
        this.changed.add(deviceId);
      }
    } else {
      known.candidate = { anchorMs: observed, maxMs: observed, sinceMs: receivedAtMs };
    }
    // Far above the estimate, a message's own figure is a lower bound on the offset (its delay is never negative);
    // within the jitter band the estimate stands, so every copy of a message gets the same time.
    return observed > known.estimateMs + stepMs ? observed : known.estimateMs;
  }

  /** Estimates saved earlier (loaded at start): a restart's redelivered burst is corrected by what was learned. */
  seed(offsets: readonly { deviceId: string; offsetMs: number }[]): void {
    for (const o of offsets) {
      if (!this.devices.has(o.deviceId))
        this.remember(o.deviceId, { estimateMs: o.offsetMs, candidate: null });
    }
  }

  /** Marks estimates to be taken again (their save failed). */
  markChanged(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) {
      this.saving.delete(id);
      this.changed.add(id);
    }
  }

  /** The estimates set or moved since the last call, to save; they count as saving until {@link markSaved}. */
  takeChanged(): { deviceId: string; offsetMs: number }[] {
    const out: { deviceId: string; offsetMs: number }[] = [];
    for (const deviceId of this.changed) {
      const known = this.devices.get(deviceId);
      if (known) out.push({ deviceId, offsetMs: known.estimateMs });
      this.saving.add(deviceId);
    }
    this.changed.clear();
    return out;
  }

  /** The save of these estimates succeeded. */
  markSaved(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) this.saving.delete(id);
  }

  /** Whether the device's current estimate is not yet known to be saved (set or moved, save pending or failed). */
  unsaved(deviceId: string): boolean {
    return this.changed.has(deviceId) || this.saving.has(deviceId);
  }

  get size(): number {
    return this.devices.size;
  }

  private remember(deviceId: string, clock: DeviceClock): void {
    this.devices.set(deviceId, clock);
    if (this.devices.size > this.options.capacity) {
      const oldest = this.devices.keys().next().value;
      if (oldest !== undefined) this.devices.delete(oldest);
    }
  }
}
