import { DEFAULT_FRESHNESS_MINUTES, freshnessMinutes, isFresh } from '@vigil/alerting';
import {
  clockSkewText,
  displayNhsNumber,
  formatAge,
  formatDate,
  formatValue,
  formatWindow,
  isStale,
  parameterLabel,
} from './format';

const now = Date.parse('2026-11-30T10:00:00Z');
const ago = (minutes: number): string => new Date(now - minutes * 60_000).toISOString();

describe('formatAge', () => {
  it.each([
    [0.5, 'just now'],
    [4, '4 min ago'],
    [59, '59 min ago'],
    [60, '1 h ago'],
    [125, '2 h 5 min ago'],
    [24 * 60, '1 day ago'],
    [3 * 24 * 60 + 5, '3 days ago'],
  ])('%s minutes old reads "%s"', (minutes, expected) => {
    expect(formatAge(ago(minutes), now)).toBe(expected);
  });

  it('never shows a negative age for a timestamp slightly in the future', () => {
    expect(formatAge(ago(-2), now)).toBe('just now');
  });

  it('says when there is no reading at all', () => {
    expect(formatAge(null, now)).toBe('no reading');
  });
});

describe('isStale (HZ-06)', () => {
  const plan = { freshnessMinutes: 30 };

  it('HZ-06 marks a value as old as the freshness window stale', () => {
    expect(isStale(ago(31), now, plan)).toBe(true);
    expect(isStale(ago(30), now, plan)).toBe(true);
    expect(isStale(ago(29), now, plan)).toBe(false);
  });

  it('HZ-06 treats a missing timestamp as stale, never current', () => {
    expect(isStale(null, now, plan)).toBe(true);
  });

  it("R7 with no plan window uses alerting's one default, the window the scorer scores with", () => {
    const window = freshnessMinutes(undefined);
    expect(window).toBe(DEFAULT_FRESHNESS_MINUTES);
    expect(isStale(ago(window + 1), now)).toBe(true);
    expect(isStale(ago(window - 1), now)).toBe(false);
    expect(isStale(ago(window - 1), now, {})).toBe(false);
    // The console's own 60-minute default called a 2-hour-old value stale while the scorer still scored it.
    expect(window).toBeGreaterThan(120);
    expect(isStale(ago(120), now)).toBe(false);
  });

  it('HZ-06 R7 agrees with the scorer at the window edge (alerting isFresh)', () => {
    for (const minutes of [29, 30, 31]) {
      const measuredAt = new Date(now - minutes * 60_000);
      expect(isStale(measuredAt.toISOString(), now, plan)).toBe(!isFresh(measuredAt, new Date(now), 30));
    }
  });

  it('a reading slightly ahead of this clock (skew) is not stale', () => {
    expect(isStale(new Date(now + 30_000).toISOString(), now, plan)).toBe(false);
  });
});

describe('formatWindow', () => {
  it('says whole hours in hours, anything else in minutes', () => {
    expect(formatWindow(720)).toBe('12 hours');
    expect(formatWindow(60)).toBe('1 hour');
    expect(formatWindow(90)).toBe('90 minutes');
  });
});

describe('clockSkewText (HZ-06)', () => {
  it("HZ-06 warns when this computer's clock is behind the server's, which would show old values as fresh", () => {
    const serverTime = new Date(now + 45 * 60_000).toISOString();
    expect(clockSkewText(serverTime, now)).toBe(
      "This computer's clock is 45 minutes behind the server's: reading ages and stale markers may be wrong.",
    );
    // The same reading, judged by the two clocks: fresh by this computer's, stale by the server's.
    expect(isStale(ago(30), now, { freshnessMinutes: 60 })).toBe(false);
    expect(isStale(ago(30), now + 45 * 60_000, { freshnessMinutes: 60 })).toBe(true);
  });

  it('HZ-06 warns when the clock is ahead, and says nothing within two minutes', () => {
    expect(clockSkewText(new Date(now - 10 * 60_000).toISOString(), now)).toMatch(/10 minutes ahead/);
    expect(clockSkewText(new Date(now + 90_000).toISOString(), now)).toBeNull();
    expect(clockSkewText(new Date(now - 90_000).toISOString(), now)).toBeNull();
    expect(clockSkewText('not a time', now)).toBeNull();
  });
});

describe('displayNhsNumber', () => {
  it('formats a valid NHS number 3 3 4', () => {
    expect(displayNhsNumber('9434765919')).toBe('943 476 5919');
  });

  it('shows an invalid stored number unchanged rather than throwing', () => {
    expect(displayNhsNumber('1234567890')).toBe('1234567890');
  });
});

describe('formatDate', () => {
  it('formats a date of birth without shifting the day', () => {
    expect(formatDate('1950-01-01')).toBe('1 Jan 1950');
  });
});

describe('formatValue and parameterLabel', () => {
  it('shows the code for coded values and the unit for numbers', () => {
    expect(formatValue({ value: 0, valueCode: 'A', unit: '{ACVPU}' })).toBe('A');
    expect(formatValue({ value: 37.2, valueCode: null, unit: 'Cel' })).toBe('37.2 °C');
    expect(formatValue({ value: 95, valueCode: null, unit: '%' })).toBe('95%');
    // Weight is the heart-failure pathway's key reading: never a bare number.
    expect(formatValue({ value: 82.4, valueCode: null, unit: 'kg' })).toBe('82.4 kg');
  });

  it('labels known parameters in words', () => {
    expect(parameterLabel('heartRate')).toBe('Pulse');
    expect(parameterLabel('unknownThing')).toBe('unknownThing');
  });
});
