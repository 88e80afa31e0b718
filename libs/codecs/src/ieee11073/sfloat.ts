import { CodecError } from '../codec-error';
import { type Ieee11073Number, type Ieee11073Special, scaleByPowerOfTen, signed } from './ieee11073-number';

const SFLOAT_SPECIALS: ReadonlyMap<number, Ieee11073Special> = new Map([
  [0x07ff, 'NaN'],
  [0x0800, 'NRes'],
  [0x07fe, '+INF'],
  [0x0802, '-INF'],
  [0x0801, 'RESERVED'],
]);

/**
 * Decodes an IEEE 11073-20601 SFLOAT (16 bits: 4-bit exponent, 12-bit mantissa, both two's
 * complement). Throws `CodecError` when `raw` is not an integer in 0…0xFFFF.
 */
export function decodeSfloat(raw: number): Ieee11073Number {
  if (!Number.isInteger(raw) || raw < 0 || raw > 0xffff) {
    throw new CodecError('invalid-raw', `SFLOAT raw value must be an integer in 0…0xFFFF, got ${raw}`);
  }
  const special = SFLOAT_SPECIALS.get(raw);
  if (special !== undefined) return { special };
  const exponent = signed(raw >>> 12, 4);
  const mantissa = signed(raw & 0x0fff, 12);
  return { value: scaleByPowerOfTen(mantissa, exponent), mantissa, exponent };
}
