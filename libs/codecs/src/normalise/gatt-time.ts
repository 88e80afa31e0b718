import type { GattDateTime } from '../gatt/byte-reader';

export type GattTime = { ok: true; date: Date } | { ok: false; reason: string };

/**
 * A Bluetooth Date Time as an instant. The SIG structure carries no time zone; we read it as UTC,
 * an assumption the device protocol states (devices keep UTC clocks). A peripheral on UK local time
 * reads an hour ahead in summer: it then disagrees with the hub's time and is not used
 * (`decidePeripheralTime`), the reading keeping the hub's time, flagged. Year,
 * month or day 0 means "unknown" and makes the timestamp unusable; hours, minutes and seconds 0
 * are ordinary values. A field out of range, or a day the month does not have, is unusable too.
 */
export function gattDateTimeToDate(t: GattDateTime): GattTime {
  if (t.year === 0 || t.month === 0 || t.day === 0) {
    return { ok: false, reason: 'the GATT timestamp has an unknown (0) year, month or day' };
  }
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds);
  const date = new Date(ms);
  const valid =
    t.year >= 1582 &&
    t.year <= 9999 &&
    t.hours <= 23 &&
    t.minutes <= 59 &&
    t.seconds <= 59 &&
    date.getUTCFullYear() === t.year &&
    date.getUTCMonth() === t.month - 1 &&
    date.getUTCDate() === t.day;
  if (!valid) {
    const shown = `${t.year}-${t.month}-${t.day} ${t.hours}:${t.minutes}:${t.seconds}`;
    return { ok: false, reason: `the GATT timestamp ${shown} is not a valid date and time` };
  }
  return { ok: true, date };
}
