/** mmHg per kPa (1 kPa = 1000 Pa; 1 mmHg = 133.322387415 Pa). */
export const MMHG_PER_KPA = 7.50061683;

/**
 * Rounds a converted value to one decimal with `Math.round(x * 10) / 10`: half-up, and the result
 * is the double nearest the one-decimal number, as JSON prints it. Never `toFixed`, whose binary
 * rounding turns 1.05 into "1.1" on one value and "1.0" on another. Only converted values are
 * rounded; values in their canonical unit are kept exactly as sent.
 */
export function roundToOneDecimal(x: number): number {
  return Math.round(x * 10) / 10;
}

export function kpaToMmHg(kpa: number): number {
  return roundToOneDecimal(kpa * MMHG_PER_KPA);
}

export function fahrenheitToCelsius(f: number): number {
  return roundToOneDecimal(((f - 32) * 5) / 9);
}

/** Conversions from a sent UCUM unit to the canonical one, keyed `from→to`. */
const CONVERSIONS: ReadonlyMap<string, (x: number) => number> = new Map([
  ['kPa→mm[Hg]', kpaToMmHg],
  ['[degF]→Cel', fahrenheitToCelsius],
]);

export interface Converted {
  value: number;
  /** The value and unit as sent, when a conversion happened; null otherwise. */
  original: { value: number; unit: string } | null;
}

/** Converts `value` from `unit` to `canonicalUnit`; throws for a pair no codec should ever produce. */
export function toCanonicalUnit(value: number, unit: string, canonicalUnit: string): Converted {
  if (unit === canonicalUnit) return { value, original: null };
  const convert = CONVERSIONS.get(`${unit}→${canonicalUnit}`);
  if (convert === undefined) throw new Error(`no conversion from ${unit} to ${canonicalUnit}`);
  return { value: convert(value), original: { value, unit } };
}
