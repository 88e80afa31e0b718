import { alertScoreRange, BAND_LABELS, presentBand } from './news2';

describe('presentBand', () => {
  it('maps every band to words and a colour', () => {
    expect(BAND_LABELS).toEqual({ low: 'Low', 'low-medium': 'Low–medium', medium: 'Medium', high: 'High' });
    expect(presentBand({ total: 7, band: 'high', partial: false })).toEqual({
      text: 'NEWS2 7 – High',
      colour: 'red',
      partial: false,
      missingText: null,
    });
    expect(presentBand({ total: 5, band: 'medium', partial: false }).colour).toBe('orange');
    expect(presentBand({ total: 3, band: 'low-medium', partial: false }).colour).toBe('yellow');
    expect(presentBand({ total: 0, band: 'low', partial: false }).text).toBe('NEWS2 0 – Low');
  });

  it('a partial score never looks like a low one: no band word, grey not white, says what is missing', () => {
    const p = presentBand({ total: 1, band: 'low', partial: true, missing: ['spo2', 'temperatureC'] });
    expect(p.text).toBe('NEWS2 at least 1 – partial');
    expect(p.text).not.toContain('Low');
    expect(p.colour).toBe('grey');
    expect(p.partial).toBe(true);
    expect(p.missingText).toBe('Missing: SpO2, temperature');
  });

  it('HZ-08 R10 a partial score keeps the colour of the band it has reached: "NEWS2 at least 9 – partial" is red', () => {
    const p = presentBand({ total: 9, band: 'high', partial: true, missing: ['respiratoryRate'] });
    expect(p).toEqual({
      text: 'NEWS2 at least 9 – partial',
      colour: 'red',
      partial: true,
      missingText: 'Missing: respiration rate',
    });
    expect(presentBand({ total: 5, band: 'medium', partial: true }).colour).toBe('orange');
    expect(presentBand({ total: 3, band: 'low-medium', partial: true }).colour).toBe('yellow');
  });

  it('HZ-08 HZ-19 R10 N1 a score whose oxygen is unknown shows its range, coloured by the highest (what alerting uses)', () => {
    const p = presentBand({ total: 7, band: 'high', partial: false, range: { lowest: 5, highest: 7 } });
    expect(p.text).toBe('NEWS2 5–7, oxygen unknown – up to High');
    expect(p.colour).toBe('red');
    expect(
      presentBand({ total: 7, band: 'high', partial: true, range: { lowest: 5, highest: 7 } }).text,
    ).toBe('NEWS2 at least 5–7, oxygen unknown – partial');
    // A range of one value is just a score.
    expect(
      presentBand({ total: 4, band: 'low', partial: false, range: { lowest: 4, highest: 4 } }).text,
    ).toBe('NEWS2 4 – Low');
  });

  it('still marks a partial score when the missing list is unknown', () => {
    expect(presentBand({ total: 2, band: 'low', partial: true }).missingText).toBe(
      'Missing: some parameters',
    );
  });

  it('says when there is no score', () => {
    expect(presentBand({ total: null, band: null, partial: false }).text).toBe('No NEWS2 score');
  });
});

describe('alertScoreRange', () => {
  it("R10 N1 shows the latest score's range on an alert only when the alert's total is its highest", () => {
    const latest = { range: { lowest: 5, highest: 7 } };
    expect(alertScoreRange({ news2Total: 7 }, latest)).toEqual({ lowest: 5, highest: 7 });
    expect(alertScoreRange({ news2Total: 8 }, latest)).toBeNull();
    expect(alertScoreRange({ news2Total: null }, latest)).toBeNull();
    expect(alertScoreRange({ news2Total: 7 }, { range: null })).toBeNull();
    expect(alertScoreRange({ news2Total: 7 }, null)).toBeNull();
  });
});
