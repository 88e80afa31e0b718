import { isValidNhsNumber } from '@vigil/clinical';
import { generateTestNhsNumber } from './nhs-number';
import { createRng } from './random';

describe('generateTestNhsNumber', () => {
  it('generates valid NHS numbers (Modulus 11) in the 999 test range', () => {
    const rng = createRng(2026);
    for (let i = 0; i < 1000; i++) {
      const n = generateTestNhsNumber(rng);
      expect(n).toMatch(/^999[0-9]{7}$/);
      expect(isValidNhsNumber(n)).toBe(true);
    }
  });

  it('is deterministic for a seed', () => {
    expect(generateTestNhsNumber(createRng(5))).toBe(generateTestNhsNumber(createRng(5)));
  });
});
