/** Patients live in England: every date and time they read is in Europe/London, GMT or BST as it falls. */
export const PATIENT_TIME_ZONE = 'Europe/London';

const DATE_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  timeZone: PATIENT_TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
};
const dateTime = new Intl.DateTimeFormat('en-GB', DATE_TIME_OPTIONS);

const dateOnly = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "Sunday 29 March 2026 at 2:05am" (NHS style: 12-hour clock, "am"/"pm", no leading zero). */
export function formatDateTime(at: Date, locale = 'en-GB'): string {
  const f = locale === 'en-GB' ? dateTime : new Intl.DateTimeFormat(locale, DATE_TIME_OPTIONS);
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const period = String(parts.dayPeriod ?? '')
    .toLowerCase()
    .replace(/\s|\./g, '');
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${period}`;
}

/** A calendar date (a date of birth, `YYYY-MM-DD`) as "12 March 1941"; no time zone shift. */
export function formatDate(isoDate: string): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : dateOnly.format(d);
}
