import { formatNhsNumber, isValidNhsNumber, nhsNumberCheckDigit, normaliseNhsNumber } from './nhs-number';

describe('nhsNumberCheckDigit', () => {
  it('943476591 → 9: sum 9·10+4·9+3·8+4·7+7·6+6·5+5·4+9·3+1·2 = 299, 299 mod 11 = 2, 11 − 2 = 9', () => {
    expect(9 * 10 + 4 * 9 + 3 * 8 + 4 * 7 + 7 * 6 + 6 * 5 + 5 * 4 + 9 * 3 + 1 * 2).toBe(299);
    expect(nhsNumberCheckDigit('943476591')).toBe(9);
  });

  it('943476587 → 0: sum 308, 308 mod 11 = 0, 11 − 0 = 11, and 11 becomes 0', () => {
    expect(9 * 10 + 4 * 9 + 3 * 8 + 4 * 7 + 7 * 6 + 6 * 5 + 5 * 4 + 8 * 3 + 7 * 2).toBe(308);
    expect(nhsNumberCheckDigit('943476587')).toBe(0);
  });

  it('000000006 → none: sum 12, 12 mod 11 = 1, 11 − 1 = 10, which no digit can match', () => {
    expect(nhsNumberCheckDigit('000000006')).toBeNull();
  });

  it.each([['12345678'], ['1234567890'], ['12345678a'], ['١٢٣٤٥٦٧٨٩']])('rejects %p', (value) => {
    expect(() => nhsNumberCheckDigit(value)).toThrow(RangeError);
  });
});

describe('isValidNhsNumber', () => {
  it.each([['9434765919'], ['9434765870'], ['943 476 5919'], ['943 476 5870'], ['0000000019']])(
    'accepts %p',
    (value) => {
      expect(isValidNhsNumber(value)).toBe(true);
    },
  );

  it('rejects every number whose computed check digit is 10', () => {
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`000000006${last}`)).toBe(false);
  });

  it('rejects a wrong check digit', () => {
    for (let last = 0; last <= 9; last++) {
      expect(isValidNhsNumber(`943476591${last}`)).toBe(last === 9);
    }
  });

  it.each([
    [''],
    ['943476591'], // nine digits
    ['94347659190'], // eleven digits
    [' 9434765919'],
    ['9434765919 '],
    ['9434765919\n'],
    ['\t9434765919'],
    [' 943 476 5919 '],
    ['943-476-5919'],
    ['943.476.5919'],
    ['943  476 5919'], // double space
    ['943\t476\t5919'],
    ['943\u00a0476\u00a05919'], // no-break space
    ['9434 765 919'], // wrong grouping
    ['943 4765919'], // partly grouped
    ['94 3476 5919'],
    ['９４３４７６５９１９'], // full-width digits
    ['٩٤٣٤٧٦٥٩١٩'], // Arabic-Indic digits
    ['+9434765919'],
    ['9434765919a'],
    ['943476591O'], // letter O
  ])('rejects %p', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it.each([[9434765919], [null], [undefined], [{}], [['9434765919']]])(
    'returns false for non-string %p',
    (value) => {
      expect(isValidNhsNumber(value as unknown as string)).toBe(false);
    },
  );
});

describe('normaliseNhsNumber and formatNhsNumber', () => {
  it('normalises either form to ten digits', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('9434765870')).toBe('9434765870');
  });

  it('formats either form as 3 3 4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(formatNhsNumber('943 476 5870')).toBe('943 476 5870');
  });

  it.each([['9434765918'], ['943-476-5919'], [' 9434765919'], ['']])(
    'both throw RangeError for %p',
    (value) => {
      expect(() => normaliseNhsNumber(value)).toThrow(RangeError);
      expect(() => formatNhsNumber(value)).toThrow(RangeError);
    },
  );

  it('both throw RangeError for a non-string', () => {
    expect(() => normaliseNhsNumber(9434765919 as unknown as string)).toThrow(RangeError);
    expect(() => formatNhsNumber(null as unknown as string)).toThrow(RangeError);
  });
});
