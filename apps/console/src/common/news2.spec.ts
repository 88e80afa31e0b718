import { BAND_LABELS, presentBand } from './news2';

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

  it('a partial score never looks like a low one: no band word, no band colour, says what is missing', () => {
    const p = presentBand({ total: 1, band: 'low', partial: true, missing: ['spo2', 'temperatureC'] });
    expect(p.text).toBe('NEWS2 at least 1 – partial');
    expect(p.text).not.toContain('Low');
    expect(p.colour).toBe('grey');
    expect(p.partial).toBe(true);
    expect(p.missingText).toBe('Missing: SpO2, temperature');
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
