/** Special values of IEEE 11073-20601 SFLOAT and FLOAT (whole words at exponent 0). */
export type Ieee11073Special = 'NaN' | 'NRes' | '+INF' | '-INF' | 'RESERVED';

/** A finite decoded value: `value = mantissa × 10^exponent`. */
export interface Ieee11073Value {
  value: number;
  mantissa: number;
  exponent: number;
}

/** A decoded special value; it never carries a number. */
export interface Ieee11073SpecialValue {
  special: Ieee11073Special;
}

/** A decoded SFLOAT or FLOAT. */
export type Ieee11073Number = Ieee11073Value | Ieee11073SpecialValue;

/** True when the decoded number is a special value (NaN, NRes, ±INF, RESERVED). */
export function isSpecial(n: Ieee11073Number): n is Ieee11073SpecialValue {
  return 'special' in n;
}

/**
 * `mantissa × 10^exponent` as the double nearest to the exact decimal. Parsing the decimal literal
 * is correctly rounded by the language, so 722 × 10^-1 is exactly what JS prints as `72.2` — where
 * `722 * 10 ** -1` would give 72.2000…01 (0.1 is not representable) and large exponents would round
 * twice.
 */
export function scaleByPowerOfTen(mantissa: number, exponent: number): number {
  return Number(`${mantissa}e${exponent}`);
}

/** Two's-complement value of the low `bits` bits of `word`. */
export function signed(word: number, bits: number): number {
  const sign = 2 ** (bits - 1);
  return word >= sign ? word - 2 ** bits : word;
}
