import fc from 'fast-check';
import { CodecError } from '../codec-error';
import { encodeFloat } from '../test-helpers/bytes';
import { decodeFloat } from './float';
import { isSpecial } from './ieee11073-number';

describe('decodeFloat (IEEE 11073-20601 32-bit)', () => {
  it.each([
    [0x00000000, 0, 0, 0],
    [0xff00016e, 36.6, 366, -1],
    [0xff0003da, 98.6, 986, -1],
    [0x007ffffd, 8388605, 8388605, 0], // largest mantissa at exponent 0 that is not a special code
    [0x00800003, -8388605, -8388605, 0],
    [0x017fffff, 83886070, 8388607, 1], // 0x7FFFFF at exponent 1 is a number, not NaN
    [0x01800000, -83886080, -8388608, 1],
    [0xffffffff, -0.1, -1, -1],
    [0x7f7fffff, 8.388607e133, 8388607, 127], // largest value
    [0x7f800000, -8.388608e133, -8388608, 127],
    [0x80000001, 1e-128, 1, -128], // smallest positive value
    [0xfd0e7720, 948, 948000, -3],
  ])('raw %d decodes to %s (mantissa %s, exponent %s)', (raw, value, mantissa, exponent) => {
    expect(decodeFloat(raw)).toEqual({ value, mantissa, exponent });
  });

  it.each([
    [0x007fffff, 'NaN'],
    [0x00800000, 'NRes'],
    [0x007ffffe, '+INF'],
    [0x00800002, '-INF'],
    [0x00800001, 'RESERVED'],
  ])('raw %d is the special value %s, never a number', (raw, special) => {
    expect(decodeFloat(raw)).toEqual({ special });
  });

  it.each([-1, 0x100000000, 0.5, Number.NaN])('throws CodecError for raw %s', (raw) => {
    expect(() => decodeFloat(raw)).toThrow(CodecError);
    expect(() => decodeFloat(raw)).toThrow(/FLOAT raw value/);
  });

  it('round-trips encode → decode for every non-special mantissa and exponent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }),
        fc.integer({ min: -128, max: 127 }),
        (mantissa, exponent) => {
          fc.pre(!(exponent === 0 && Math.abs(mantissa) >= 2 ** 23 - 2));
          expect(decodeFloat(encodeFloat(mantissa, exponent))).toEqual({
            value: Number(`${mantissa}e${exponent}`),
            mantissa,
            exponent,
          });
        },
      ),
    );
  });

  it('any 32-bit word decodes to a special or a finite number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (raw) => {
        const r = decodeFloat(raw);
        if (isSpecial(r)) expect(['NaN', 'NRes', '+INF', '-INF', 'RESERVED']).toContain(r.special);
        else expect(Number.isFinite(r.value)).toBe(true);
      }),
    );
  });
});
