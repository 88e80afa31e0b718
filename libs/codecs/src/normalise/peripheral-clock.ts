import { CLOCK_SKEW_TOLERANCE_MS } from '@vigil/contracts';

/**
 * How far a Bluetooth peripheral's own timestamp may be from the hub's `measuredAt` (on platform time) and still
 * be the reading's time: the 5 minutes the platform allows any clock (R12). It also covers a cuff that hands its
 * reading to the hub a little after it finished measuring.
 */
export const PERIPHERAL_CLOCK_TOLERANCE_MS = CLOCK_SKEW_TOLERANCE_MS;

/**
 * How far before the hub's time a peripheral's own timestamp may be and still be taken as a reading from the
 * peripheral's memory (a cuff that measured while its hub was away, synced days later): a week. Further back is a
 * clock reset or never set (2000-01-01, 1970), not a memory.
 */
export const PERIPHERAL_MEMORY_MS = 7 * 24 * 3_600_000;

/** Which time a relayed reading gets, and how far the two clocks were apart. */
export type PeripheralTimeDecision =
  /** The clocks agree: the peripheral's own instant is the more precise one. */
  | { use: 'peripheral'; measuredAt: Date; disagreementMs: number }
  /**
   * The peripheral's time is earlier, within {@link PERIPHERAL_MEMORY_MS}: a reading from its memory, dated by it.
   * Ingest attributes it only if the hub's binding at the peripheral's time is its binding at the hub's time.
   */
  | { use: 'memory'; measuredAt: Date; disagreementMs: number }
  /** Later than the hub's (impossible), or further back than a memory: the hub's time is used. */
  | { use: 'hub'; measuredAt: Date; disagreementMs: number };

/**
 * HZ-05 HZ-20: the time of a reading a hub relays from a Bluetooth peripheral (a cuff's GATT Date Time) when the
 * peripheral sent one. Two clocks are involved. The hub's is the bound device's: its offset is learned (R12) and
 * `hubTime` must already be corrected by it. The peripheral's is unknown to the platform: never corrected by the
 * hub's offset.
 *
 * - Within `toleranceMs` of the hub's time: the peripheral's time (the more precise instant).
 * - Earlier, by up to {@link PERIPHERAL_MEMORY_MS}: a reading from the peripheral's memory, synced late. Dated by the
 *   peripheral, so it is judged as the late reading it is (R7 on arrival, R11) and two stored readings relayed in
 *   one second stay two; ingest refuses to attribute it if the hub's binding changed between the two times (it
 *   cannot tell whose reading it is), so a peripheral clock never moves a reading onto another patient.
 * - Later than the hub's (it was measured after the hub had it: impossible, e.g. a cuff on UK summer time read as
 *   UTC), or further back than a memory (a reset clock): the hub's time, the peripheral's kept as a record.
 *
 * `disagreementMs` is peripheral minus hub. Pure.
 */
export function decidePeripheralTime(
  hubTime: Date,
  peripheralTime: Date,
  toleranceMs: number = PERIPHERAL_CLOCK_TOLERANCE_MS,
): PeripheralTimeDecision {
  const disagreementMs = peripheralTime.getTime() - hubTime.getTime();
  if (Math.abs(disagreementMs) <= toleranceMs) {
    return { use: 'peripheral', measuredAt: peripheralTime, disagreementMs };
  }
  if (disagreementMs < 0 && -disagreementMs <= PERIPHERAL_MEMORY_MS) {
    return { use: 'memory', measuredAt: peripheralTime, disagreementMs };
  }
  return { use: 'hub', measuredAt: hubTime, disagreementMs };
}
