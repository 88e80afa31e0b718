import { CodecError } from '../codec-error';
import { type Ieee11073Number, type Ieee11073Special, scaleByPowerOfTen, signed } from './ieee11073-number';

const FLOAT_SPECIALS: ReadonlyMap<number, Ieee11073Special> = new Map([
  [0x007fffff, 'NaN'],
  [0x00800000, 'NRes'],
  [0x007ffffe, '+INF'],
  [0x00800002, '-INF'],
  [0x00800001, 'RESERVED'],
]);

/**
 * Decodes an IEEE 11073-20601 FLOAT (32 bits: 8-bit exponent, 24-bit mantissa, both two's
 * complement). Throws `CodecError` when `raw` is not an integer in 0…0xFFFFFFFF.
 */
export function decodeFloat(raw: number): Ieee11073Number {
  if (!Number.isInteger(raw) || raw < 0 || raw > 0xffffffff) {
    throw new CodecError('invalid-raw', `FLOAT raw value must be an integer in 0…0xFFFFFFFF, got ${raw}`);
  }
  const special = FLOAT_SPECIALS.get(raw);
  if (special !== undefined) return { special };
  // `raw >>> 24` and `& 0xffffff` are safe for the full unsigned range (ToUint32 / ToInt32 are modulo 2^32).
  const exponent = signed(raw >>> 24, 8);
  const mantissa = signed(raw & 0x00ffffff, 24);
  return { value: scaleByPowerOfTen(mantissa, exponent), mantissa, exponent };
}
