import { fahrenheitToCelsius, kpaToMmHg, roundToOneDecimal, toCanonicalUnit } from './units';

describe('unit conversion', () => {
  it('rounds half up with Math.round, not toFixed', () => {
    expect((1.45).toFixed(1)).toBe('1.4'); // the binary trap toFixed falls into
    expect(roundToOneDecimal(1.45)).toBe(1.5);
    expect(roundToOneDecimal(37.04999)).toBe(37);
    expect(roundToOneDecimal(-0.15)).toBe(-0.1);
  });

  it('converts kPa to mmHg', () => {
    expect(kpaToMmHg(16)).toBe(120);
    expect(kpaToMmHg(13.3322387415)).toBe(100);
    expect(kpaToMmHg(0)).toBe(0);
  });

  it('converts °F to °C', () => {
    expect(fahrenheitToCelsius(32)).toBe(0);
    expect(fahrenheitToCelsius(98.6)).toBe(37);
    expect(fahrenheitToCelsius(212)).toBe(100);
    expect(fahrenheitToCelsius(-40)).toBe(-40);
  });

  it('keeps values in the canonical unit untouched and unrounded', () => {
    expect(toCanonicalUnit(36.66, 'Cel', 'Cel')).toEqual({ value: 36.66, original: null });
  });

  it('throws for a conversion no codec should ask for', () => {
    expect(() => toCanonicalUnit(1, 'K', 'Cel')).toThrow('no conversion from K to Cel');
  });
});
