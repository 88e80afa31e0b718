/**
 * NHS number checks: format and Modulus 11 check digit, per the NHS Data Dictionary ("NHS Number").
 * No other policy lives here (e.g. reserved or test ranges): SPEC §8.
 */

// [0-9], not \d or \p{Nd}: only ASCII digits are accepted, never other scripts' digits.
const TEN_DIGITS = /^[0-9]{10}$/;
const SPACED_3_3_4 = /^([0-9]{3}) ([0-9]{3}) ([0-9]{4})$/;

/** Ten digits from either accepted form, or null. No trimming: surrounding whitespace is rejected. */
function digitsOf(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  if (TEN_DIGITS.test(input)) return input;
  const groups = SPACED_3_3_4.exec(input);
  return groups ? `${groups[1]}${groups[2]}${groups[3]}` : null;
}

/**
 * The check digit for the first nine digits of an NHS number, or null when the computed value is 10
 * (no valid NHS number starts with those nine digits). Weights 10 down to 2; check = 11 − (sum mod 11);
 * a result of 11 becomes 0.
 */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  if (!/^[0-9]{9}$/.test(firstNine)) {
    throw new RangeError('nhsNumberCheckDigit: expected exactly nine ASCII digits');
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

function validDigits(input: unknown): string | null {
  const digits = digitsOf(input);
  if (digits === null) return null;
  return nhsNumberCheckDigit(digits.slice(0, 9)) === Number(digits[9]) ? digits : null;
}

/**
 * True when `input` is exactly ten ASCII digits, or the same as "3 3 4" groups separated by single
 * spaces (e.g. "943 476 5919"), and its Modulus 11 check digit is right. Anything else (other
 * separators, surrounding whitespace, non-ASCII digits, a non-string) is false.
 */
export function isValidNhsNumber(input: string): boolean {
  return validDigits(input) !== null;
}

/** The ten-digit form of a valid NHS number. @throws RangeError when `input` is not valid. */
export function normaliseNhsNumber(input: string): string {
  const digits = validDigits(input);
  if (digits === null) throw new RangeError('Not a valid NHS number');
  return digits;
}

/** The "3 3 4" display form of a valid NHS number. @throws RangeError when `input` is not valid. */
export function formatNhsNumber(input: string): string {
  const digits = normaliseNhsNumber(input);
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
