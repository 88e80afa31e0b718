import { isAllowedOrigin, readCookie } from './origin';

describe('isAllowedOrigin', () => {
  const allowed = ['https://console.example'];

  it('accepts an allowlisted origin and the server’s own origin', () => {
    expect(isAllowedOrigin({ origin: 'https://console.example', host: 'api.example' }, allowed, true)).toBe(
      true,
    );
    expect(isAllowedOrigin({ origin: 'http://localhost:3000', host: 'localhost:3000' }, allowed, false)).toBe(
      true,
    );
    expect(
      isAllowedOrigin(
        { origin: 'https://vigil.example', host: 'vigil.example', 'x-forwarded-proto': 'https' },
        allowed,
        false,
      ),
    ).toBe(true);
  });

  it('refuses a foreign origin, a scheme mismatch and a missing Origin', () => {
    expect(isAllowedOrigin({ origin: 'https://evil.example', host: 'api.example' }, allowed, true)).toBe(
      false,
    );
    expect(isAllowedOrigin({ origin: 'http://api.example', host: 'api.example' }, allowed, true)).toBe(false);
    expect(isAllowedOrigin({ host: 'api.example' }, allowed, true)).toBe(false);
    expect(isAllowedOrigin({ origin: 'null', host: 'api.example' }, allowed, true)).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds one cookie among several and decodes it', () => {
    expect(readCookie('a=1; vigil_session=abc%2Fdef; b=2', 'vigil_session')).toBe('abc/def');
    expect(readCookie('xvigil_session=1', 'vigil_session')).toBeUndefined();
    expect(readCookie(undefined, 'vigil_session')).toBeUndefined();
    expect(readCookie('vigil_session=%E0%A4%A', 'vigil_session')).toBeUndefined();
  });
});
