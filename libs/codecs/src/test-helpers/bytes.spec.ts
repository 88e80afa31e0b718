import { CodecError } from '../codec-error';
import { base64, codecError, encodeFloat, encodeSfloat, hex } from './bytes';

describe('test helpers', () => {
  it('parses hex fixtures with separators and refuses odd or non-hex input', () => {
    expect([...hex('0A | ff 10')]).toEqual([10, 255, 16]);
    expect(() => hex('0A 1')).toThrow('bad hex fixture');
    expect(() => hex('zz')).toThrow('bad hex fixture');
  });

  it('encodes base64, SFLOAT and FLOAT words', () => {
    expect(base64(hex('00 78 00'))).toBe('AHgA');
    expect(encodeSfloat(722, -1)).toBe(0xf2d2);
    expect(encodeFloat(-1, -1)).toBe(0xffffffff);
  });

  it('codecError fails unless a CodecError is thrown', () => {
    expect(
      codecError(() => {
        throw new CodecError('too-short', 'x');
      }).code,
    ).toBe('too-short');
    expect(() => codecError(() => 1)).toThrow('expected a CodecError');
    expect(() =>
      codecError(() => {
        throw new RangeError('other');
      }),
    ).toThrow(RangeError);
  });
});
