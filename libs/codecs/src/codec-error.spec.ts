import { CodecError } from './codec-error';

describe('CodecError', () => {
  it('is an Error named CodecError with a code', () => {
    const error = new CodecError('too-short', 'too short');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CodecError');
    expect(error.code).toBe('too-short');
    expect(error.message).toBe('too short');
    expect(String(error)).toBe('CodecError: too short');
  });
});
