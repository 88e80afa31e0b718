import fc from 'fast-check';
import { formatNhsNumber, isValidNhsNumber, nhsNumberCheckDigit, normaliseNhsNumber } from './nhs-number';

const digits = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** A valid NHS number built from nine random digits, skipping prefixes whose check digit would be 10. */
const validNhsNumber: fc.Arbitrary<string> = digits(9)
  .map((nine) => ({ nine, check: nhsNumberCheckDigit(nine) }))
  .filter(({ check }) => check !== null)
  .map(({ nine, check }) => `${nine}${check}`);

/**
 * Independent oracle: with weights 10..2 and weight 1 on the check digit, a number is valid exactly when
 * the weighted sum of all ten digits is a multiple of 11 (check = 11 − r, 11 → 0, and no digit can be 10).
 */
function oracle(ten: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(ten[i]) * (10 - i);
  return sum % 11 === 0;
}

const spaced = (ten: string): string => `${ten.slice(0, 3)} ${ten.slice(3, 6)} ${ten.slice(6)}`;

describe('NHS number properties', () => {
  it('numbers built with the check digit are valid in both forms and round-trip', () => {
    fc.assert(
      fc.property(validNhsNumber, (n) => {
        expect(isValidNhsNumber(n)).toBe(true);
        expect(isValidNhsNumber(spaced(n))).toBe(true);
        expect(formatNhsNumber(n)).toBe(spaced(n));
        expect(normaliseNhsNumber(formatNhsNumber(n))).toBe(n);
      }),
    );
  });

  it('any ten ASCII digits are valid exactly when the weighted-sum oracle says so', () => {
    fc.assert(
      fc.property(digits(10), (n) => {
        expect(isValidNhsNumber(n)).toBe(oracle(n));
        expect(isValidNhsNumber(spaced(n))).toBe(oracle(n));
      }),
    );
  });

  it('changing any single digit makes a valid number invalid', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (n, at, by) => {
          const changed = `${n.slice(0, at)}${(Number(n[at]) + by) % 10}${n.slice(at + 1)}`;
          expect(isValidNhsNumber(changed)).toBe(false);
        },
      ),
    );
  });

  it('swapping two different adjacent digits among the first nine makes a valid number invalid', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 0, max: 7 }), (n, at) => {
        fc.pre(n[at] !== n[at + 1]);
        const swapped = `${n.slice(0, at)}${n[at + 1]}${n[at]}${n.slice(at + 2)}`;
        expect(isValidNhsNumber(swapped)).toBe(false);
      }),
    );
  });

  it('surrounding whitespace is never accepted', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0'),
        fc.boolean(),
        (n, ws, before) => {
          const padded = before ? `${ws}${n}` : `${n}${ws}`;
          expect(isValidNhsNumber(padded)).toBe(false);
          expect(isValidNhsNumber(before ? `${ws}${spaced(n)}` : `${spaced(n)}${ws}`)).toBe(false);
        },
      ),
    );
  });
});
