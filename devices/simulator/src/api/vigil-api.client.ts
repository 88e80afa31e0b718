import {
  SESSION_COOKIE_NAME,
  type AdmitPatientRequest,
  type ApiErrorBody,
  type DeadLetterView,
  type DeviceView,
  type OxygenPrescriptionRequest,
  type PatientDetail,
  type PatientSummary,
  type ProvisionDeviceRequest,
  type ProvisionedDeviceView,
  type User,
  type Ward,
} from '@vigil/contracts';

/** A non-2xx answer from the REST API, with the API's own error code and message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} → ${status} ${code}: ${message}`);
    this.name = 'ApiError';
  }
}

/**
 * The Vigil REST API (docs/api-surface.md) as an operator's script uses it: sign in once, keep the
 * session cookie, send it with every request. Signs in again once if the session expired (idle expiry
 * is 15 minutes, and a long demo only talks to the API now and then).
 */
export class VigilApiClient {
  private cookie: string | null = null;
  private credentials: { username: string; password: string } | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async login(username: string, password: string): Promise<User> {
    this.credentials = { username, password };
    const response = await this.fetchImpl(this.url('/api/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw await toApiError(response, 'POST', '/api/auth/login');
    const session = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith(`${SESSION_COOKIE_NAME}=`));
    if (!session) {
      throw new ApiError(
        response.status,
        'no-session',
        'the login answer set no session cookie',
        'POST',
        '/api/auth/login',
      );
    }
    this.cookie = session;
    return ((await response.json()) as { user: User }).user;
  }

  listWards(): Promise<Ward[]> {
    return this.request('GET', '/api/wards');
  }

  listPatients(): Promise<PatientSummary[]> {
    return this.request('GET', '/api/patients');
  }

  admitPatient(body: AdmitPatientRequest): Promise<PatientSummary> {
    return this.request('POST', '/api/patients', body);
  }

  getPatient(patientId: string): Promise<PatientDetail> {
    return this.request('GET', `/api/patients/${encodeURIComponent(patientId)}`);
  }

  /** N1: a clinician's audited oxygen prescription (the api refuses anyone else, R9). */
  setOxygenPrescription(patientId: string, body: OxygenPrescriptionRequest): Promise<PatientDetail> {
    return this.request('PUT', `/api/patients/${encodeURIComponent(patientId)}/oxygen-prescription`, body);
  }

  listDevices(): Promise<DeviceView[]> {
    return this.request('GET', '/api/devices');
  }

  provisionDevice(body: ProvisionDeviceRequest): Promise<ProvisionedDeviceView> {
    return this.request('POST', '/api/devices', body);
  }

  async bindDevice(deviceId: string, patientId: string): Promise<void> {
    await this.request('POST', `/api/devices/${encodeURIComponent(deviceId)}/bind`, { patientId });
  }

  listDeadLetters(query: { deviceId?: string; limit?: number } = {}): Promise<DeadLetterView[]> {
    const params = new URLSearchParams();
    if (query.deviceId) params.set('deviceId', query.deviceId);
    if (query.limit) params.set('limit', String(query.limit));
    const qs = params.size > 0 ? `?${params.toString()}` : '';
    return this.request('GET', `/api/dead-letters${qs}`);
  }

  private async request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetchImpl(this.url(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !retried && this.credentials) {
      await this.login(this.credentials.username, this.credentials.password);
      return this.request(method, path, body, true);
    }
    if (!response.ok) throw await toApiError(response, method, path);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }
}

async function toApiError(response: Response, method: string, path: string): Promise<ApiError> {
  let code = 'http-error';
  let message = response.statusText || 'request failed';
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not the API's JSON error shape (a proxy's HTML page, say): status and status text must do.
  }
  return new ApiError(response.status, code, message, method, path);
}
