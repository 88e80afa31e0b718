import { isBackendPath, isSpaRoute } from './serve-console';

describe('the console SPA fallback', () => {
  it('answers page navigations to client-side routes with index.html', () => {
    for (const route of ['/', '/alerts', '/patients/8c1e5c2a-0000-4000-8000-000000000000', '/sign-in']) {
      expect(isSpaRoute('GET', route)).toBe(true);
    }
    expect(isSpaRoute('HEAD', '/alerts')).toBe(true);
  });

  it('leaves the api, the socket, the metrics, missing assets and other methods to the backend', () => {
    for (const route of [
      '/api',
      '/api/health',
      '/socket.io/',
      '/metrics',
      '/p',
      '/p/check-in',
      '/assets/app-123.js',
      '/favicon.ico',
    ]) {
      expect(isSpaRoute('GET', route)).toBe(false);
    }
    expect(isSpaRoute('POST', '/alerts')).toBe(false);
  });

  it('matches backend prefixes as whole path segments only', () => {
    expect(isBackendPath('/api/patients')).toBe(true);
    expect(isBackendPath('/apiary')).toBe(false);
    expect(isBackendPath('/metrics-dashboard')).toBe(false);
    expect(isBackendPath('/patients/1')).toBe(false);
  });
});
