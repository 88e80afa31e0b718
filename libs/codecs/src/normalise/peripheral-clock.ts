import { CLOCK_SKEW_TOLERANCE_MS } from '@vigil/contracts';

/**
 * How far a Bluetooth peripheral's own timestamp may be from the hub's `measuredAt` (on platform time) and still
 * be the reading's time: the 5 minutes the platform allows any clock (R12). It also covers a cuff that hands its
 * reading to the hub a little after it finished measuring.
 */
export const PERIPHERAL_CLOCK_TOLERANCE_MS = CLOCK_SKEW_TOLERANCE_MS;

/** Which time a relayed reading gets, and how far the two clocks were apart. */
export type PeripheralTimeDecision =
  /** The clocks agree: the peripheral's own instant is the more precise one. */
  | { use: 'peripheral'; measuredAt: Date; disagreementMs: number }
  /** They do not: the hub's time is used; the peripheral's is kept only as a record. */
  | { use: 'hub'; measuredAt: Date; disagreementMs: number };

/**
 * HZ-05 HZ-20: the time of a reading a hub relays from a Bluetooth peripheral (a cuff's GATT Date Time) when the
 * peripheral sent one. Two clocks are involved. The hub's is the bound device's: its offset is learned (R12) and
 * `hubTime` must already be corrected by it. The peripheral's is unknown to the platform: never corrected by the
 * hub's offset, never checked by anything else. Ingest attributes a reading to a patient by its time, so a wrong
 * peripheral clock trusted alone would move the reading onto whoever the hub was bound to then (a cuff a day
 * behind: yesterday's patient) or reject it as future (a cuff on UK summer time).
 *
 * So the peripheral's time is used only when it agrees with the hub's within `toleranceMs`; otherwise the hub's time
 * is, and the caller flags the reading with the peripheral's time and the difference. Earlier and later are treated
 * alike: a later peripheral time is impossible (measured after the hub had it), and an earlier one is either a
 * reading from the cuff's memory or a clock that is behind — one reading cannot tell them apart, and the binding
 * at the peripheral's time is not necessarily the hub's binding at its own time. `disagreementMs` is peripheral
 * minus hub. Pure.
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
  return { use: 'hub', measuredAt: hubTime, disagreementMs };
}
