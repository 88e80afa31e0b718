import { isAllowedOrigin, readCookie } from './origin';

describe('isAllowedOrigin', () => {
  const allowed = ['https://console.example'];

  it('accepts an allowlisted origin', () => {
    expect(isAllowedOrigin({ origin: 'https://console.example', host: 'api.example' }, allowed)).toBe(true);
  });

  it('D9: never takes the Host or X-Forwarded-Proto header as proof of "our own" origin (DNS rebinding)', () => {
    expect(
      isAllowedOrigin({ origin: 'http://rebound.example:3000', host: 'rebound.example:3000' }, allowed),
    ).toBe(false);
    expect(
      isAllowedOrigin(
        { origin: 'https://vigil.example', host: 'vigil.example', 'x-forwarded-proto': 'https' },
        allowed,
      ),
    ).toBe(false);
  });

  it('refuses a foreign origin, a scheme mismatch and a missing Origin', () => {
    expect(isAllowedOrigin({ origin: 'https://evil.example', host: 'api.example' }, allowed)).toBe(false);
    expect(isAllowedOrigin({ origin: 'http://console.example' }, allowed)).toBe(false);
    expect(isAllowedOrigin({ host: 'api.example' }, allowed)).toBe(false);
    expect(isAllowedOrigin({ origin: 'null', host: 'api.example' }, allowed)).toBe(false);
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
