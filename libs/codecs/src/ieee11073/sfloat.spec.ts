import fc from 'fast-check';
import { CodecError } from '../codec-error';
import { encodeSfloat } from '../test-helpers/bytes';
import { isSpecial } from './ieee11073-number';
import { decodeSfloat } from './sfloat';

describe('decodeSfloat (IEEE 11073-20601 16-bit)', () => {
  it.each([
    [0x0000, 0, 0, 0],
    [0x0048, 72, 72, 0],
    [0xf2d2, 72.2, 722, -1],
    [0xf0a0, 16, 160, -1],
    [0x07fd, 2045, 2045, 0], // largest mantissa at exponent 0 that is not a special code
    [0x0803, -2045, -2045, 0], // smallest likewise
    [0x0fff, -1, -1, 0],
    [0xffff, -0.1, -1, -1],
    [0x17ff, 20470, 2047, 1], // 0x7FF at exponent 1 is a number, not NaN
    [0x1800, -20480, -2048, 1], // 0x800 at exponent 1 is a number, not NRes
    [0x77ff, 20470000000, 2047, 7], // largest value
    [0x7800, -20480000000, -2048, 7], // most negative value
    [0x8001, 1e-8, 1, -8], // smallest positive value
    [0x8800, -0.00002048, -2048, -8],
    [0xe7d0, 20, 2000, -2],
    [0xd001, 0.001, 1, -3],
  ])('raw %d decodes to %s (mantissa %s, exponent %s)', (raw, value, mantissa, exponent) => {
    expect(decodeSfloat(raw)).toEqual({ value, mantissa, exponent });
  });

  it('gives exactly the decimal JS prints, without binary drift', () => {
    const r = decodeSfloat(0xf2d2);
    expect(isSpecial(r)).toBe(false);
    expect(String((r as { value: number }).value)).toBe('72.2');
    expect(String((decodeSfloat(encodeSfloat(3, -1)) as { value: number }).value)).toBe('0.3');
  });

  it.each([
    [0x07ff, 'NaN'],
    [0x0800, 'NRes'],
    [0x07fe, '+INF'],
    [0x0802, '-INF'],
    [0x0801, 'RESERVED'],
  ])('raw %d is the special value %s, never a number', (raw, special) => {
    const r = decodeSfloat(raw);
    expect(r).toEqual({ special });
    expect(r).not.toHaveProperty('value');
  });

  it.each([-1, 0x10000, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('throws CodecError for raw %s', (raw) => {
    expect(() => decodeSfloat(raw)).toThrow(CodecError);
    expect(() => decodeSfloat(raw)).toThrow(/SFLOAT raw value/);
  });

  it('every 16-bit word decodes to exactly one special or mantissa × 10^exponent in range', () => {
    let specials = 0;
    const wrong: number[] = [];
    for (let raw = 0; raw <= 0xffff; raw++) {
      const r = decodeSfloat(raw);
      if (isSpecial(r)) {
        specials++;
      } else if (
        r.mantissa < -2048 ||
        r.mantissa > 2047 ||
        r.exponent < -8 ||
        r.exponent > 7 ||
        encodeSfloat(r.mantissa, r.exponent) !== raw ||
        r.value !== Number(`${r.mantissa}e${r.exponent}`)
      ) {
        wrong.push(raw);
      }
    }
    expect(wrong).toEqual([]);
    expect(specials).toBe(5);
  });

  it('round-trips encode → decode for every non-special mantissa and exponent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2048, max: 2047 }),
        fc.integer({ min: -8, max: 7 }),
        (mantissa, exponent) => {
          const raw = encodeSfloat(mantissa, exponent);
          fc.pre(!(exponent === 0 && mantissa >= 2046) && !(exponent === 0 && mantissa <= -2046));
          const r = decodeSfloat(raw);
          expect(r).toEqual({ value: Number(`${mantissa}e${exponent}`), mantissa, exponent });
          if (!isSpecial(r)) {
            const approx = mantissa * 10 ** exponent;
            expect(Math.abs(r.value - approx)).toBeLessThanOrEqual(Math.abs(approx) * 1e-15);
          }
        },
      ),
    );
  });
});
