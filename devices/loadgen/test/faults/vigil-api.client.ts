import { nhsNumberCheckDigit } from '@vigil/clinical';
import { SESSION_COOKIE_NAME } from '@vigil/contracts';

/** The REST calls the suite needs, as an administrator (docs/api-surface.md). */
export class VigilApiClient {
  private cookie = '';

  constructor(private readonly baseUrl: () => string) {}

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl()}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text.slice(0, 300)}`);
    const setCookie = response.headers.get('set-cookie');
    const match = setCookie ? new RegExp(`${SESSION_COOKIE_NAME}=[^;]+`).exec(setCookie) : null;
    if (match) this.cookie = match[0];
    return (text ? JSON.parse(text) : null) as T;
  }

  async login(username: string, password: string): Promise<void> {
    await this.call('POST', '/api/auth/login', { username, password });
  }

  async admitPatient(wardId: string, index: number): Promise<string> {
    const patient = await this.call<{ id: string }>('POST', '/api/patients', {
      nhsNumber: testNhsNumber(index),
      givenName: 'Fault',
      familyName: `Suite ${index}`,
      wardId,
    });
    return patient.id;
  }

  /** Provisions a hub with the given id, binds it to the patient, and returns its one-time secret. */
  async provisionAndBind(deviceId: string, patientId: string): Promise<string> {
    const provisioned = await this.call<{ secret: string }>('POST', '/api/devices', {
      kind: 'hub',
      id: deviceId,
    });
    await this.call('POST', `/api/devices/${encodeURIComponent(deviceId)}/bind`, { patientId });
    return provisioned.secret;
  }

  /** `/metrics` (public) parsed into `name{labels}` → value. */
  async metrics(): Promise<Map<string, number>> {
    const response = await fetch(`${this.baseUrl()}/metrics`);
    const text = await response.text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return values;
  }

  /** GET /api/health's status code, or 0 when the server does not answer. */
  async healthStatus(): Promise<number> {
    try {
      const response = await fetch(`${this.baseUrl()}/api/health`, { signal: AbortSignal.timeout(2000) });
      await response.text();
      return response.status;
    } catch {
      return 0;
    }
  }
}

/** NHS numbers in the 999 test range with a valid Modulus 11 check digit, one per index. */
export function testNhsNumber(index: number): string {
  for (let n = index * 20; ; n += 1) {
    const first9 = `999${String(n % 1_000_000).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(first9);
    if (check !== null && check < 10) return `${first9}${check}`;
  }
}
