import {
  clockSkewText,
  displayNhsNumber,
  formatAge,
  formatDate,
  formatValue,
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
  it('HZ-06 marks a value older than the freshness window stale', () => {
    expect(isStale(ago(31), now, 30)).toBe(true);
    expect(isStale(ago(29), now, 30)).toBe(false);
  });

  it('HZ-06 treats a missing timestamp as stale, never current', () => {
    expect(isStale(null, now, 30)).toBe(true);
  });

  it('falls back to a 60 minute window when none is configured', () => {
    expect(isStale(ago(61), now)).toBe(true);
    expect(isStale(ago(59), now)).toBe(false);
  });
});

describe('clockSkewText (HZ-06)', () => {
  it("HZ-06 warns when this computer's clock is behind the server's, which would show old values as fresh", () => {
    const serverTime = new Date(now + 45 * 60_000).toISOString();
    expect(clockSkewText(serverTime, now)).toBe(
      "This computer's clock is 45 minutes behind the server's: reading ages and stale markers may be wrong.",
    );
    // The same reading, judged by the two clocks: fresh by this computer's, stale by the server's.
    expect(isStale(ago(30), now, 60)).toBe(false);
    expect(isStale(ago(30), now + 45 * 60_000, 60)).toBe(true);
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
  });

  it('labels known parameters in words', () => {
    expect(parameterLabel('heartRate')).toBe('Pulse');
    expect(parameterLabel('unknownThing')).toBe('unknownThing');
  });
});
