import { isValidNhsNumber, nhsNumberCheckDigit } from '@vigil/clinical';
import type { Rng } from './random';

/**
 * A random NHS number in the 999 range, which NHS England reserves for testing, so a demo patient can
 * never be mistaken for a real one. Nine digits plus the Modulus 11 check digit; prefixes whose check
 * digit would be 10 have no valid number and are skipped.
 */
export function generateTestNhsNumber(rng: Rng): string {
  for (;;) {
    let firstNine = '999';
    for (let i = 0; i < 6; i++) firstNine += String(rng.int(0, 9));
    const check = nhsNumberCheckDigit(firstNine);
    if (check === null) continue;
    const nhsNumber = `${firstNine}${check}`;
    // The clinical library is the authority on validity; this guards against a drift between the two.
    if (isValidNhsNumber(nhsNumber)) return nhsNumber;
  }
}
