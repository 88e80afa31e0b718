import { freshnessMinutes } from '@vigil/alerting';
import { formatNhsNumber, isValidNhsNumber } from '@vigil/clinical';
import { PARAMETER_DEFINITIONS, PARAMETERS, type Parameter } from '@vigil/contracts';

/**
 * "just now", "4 min ago", "2 h 5 min ago", "3 days ago". A timestamp in the future (clock skew) reads
 * "just now" rather than a negative age, which would look like a reading from the future.
 */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return 'no reading';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown time';
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours} h ago` : `${hours} h ${rest} min ago`;
  }
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** Minutes between an instant and now, or null when there is no instant. */
export function ageMinutes(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : (now - at) / 60_000;
}

/**
 * A value is stale once it is as old as the patient's freshness window (HZ-06). R7: the window is the
 * one alerting scores with (`@vigil/alerting`: the plan's own, else the default), so the console never
 * calls current what the scorer has stopped counting, nor the reverse. Unlike the scorer's `isFresh`, a
 * timestamp slightly ahead of this computer's clock counts as fresh: clock skew is warned about
 * separately (`clockSkewText`), and marking every new reading stale would hide the ones that matter.
 */
export function isStale(
  iso: string | null | undefined,
  now: number,
  monitoring?: { freshnessMinutes?: number },
): boolean {
  const age = ageMinutes(iso, now);
  if (age === null) return true;
  return age >= freshnessMinutes(monitoring);
}

/** A window in words: "12 hours", "90 minutes", "1 hour". */
export function formatWindow(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** Beyond this difference between this computer's clock and the server's, ages cannot be trusted. */
export const CLOCK_SKEW_WARN_MINUTES = 2;

/**
 * HZ-06: every age and stale marker is worked out with this computer's clock against server timestamps,
 * so a clock running behind shows old values as fresh. Given the server's time and when (by this clock)
 * it was received, the warning to show, or null when the clocks agree.
 */
export function clockSkewText(serverTime: string, receivedAt: number): string | null {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return null;
  const minutes = Math.trunc((server - receivedAt) / 60_000);
  if (Math.abs(minutes) < CLOCK_SKEW_WARN_MINUTES) return null;
  const direction = minutes > 0 ? 'behind' : 'ahead of';
  return `This computer's clock is ${Math.abs(minutes)} minutes ${direction} the server's: reading ages and stale markers may be wrong.`;
}

/** "943 476 5919"; an invalid number is shown as stored so a data fault is visible, never hidden. */
export function displayNhsNumber(nhsNumber: string): string {
  return isValidNhsNumber(nhsNumber) ? formatNhsNumber(nhsNumber) : nhsNumber;
}

export function patientName(p: { givenName: string; familyName: string }): string {
  return `${p.familyName.toUpperCase()}, ${p.givenName}`;
}

export function parameterLabel(parameter: string): string {
  return (PARAMETERS as readonly string[]).includes(parameter)
    ? PARAMETER_DEFINITIONS[parameter as Parameter].display
    : parameter;
}

const TIME = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export function formatTime(iso: string): string {
  return TIME.format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '–';
}

/** An instant written out in a server's text (an alert's reason): `2026-06-10T07:55:00.000Z`. */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * Text from the server (alert reasons) with every instant in it shown as the console shows times: UK time
 * (GMT or BST), not UTC, so a reason's "since 07:55Z" reads as the 08:55 the rest of the page says in summer.
 */
export function localiseInstants(text: string): string {
  return text.replace(ISO_INSTANT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : formatDateTime(iso)));
}

/** A date of birth is a calendar date, not an instant: format it in UTC so it never shifts a day. */
export function formatDate(isoDate: string | null | undefined): string {
  return isoDate ? DATE.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`)) : 'Not recorded';
}

const UNITS: Record<string, string> = { Cel: '°C', 'mm[Hg]': 'mmHg', '/min': '/min', '%': '%', kg: 'kg' };

export function formatValue(o: { value: number; valueCode: string | null; unit: string }): string {
  if (o.valueCode) return o.valueCode;
  const unit = UNITS[o.unit] ?? '';
  return `${o.value}${unit === '%' ? '%' : unit ? ` ${unit}` : ''}`;
}
