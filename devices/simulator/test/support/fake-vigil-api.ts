import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeadLetterView, DeviceView, PatientSummary, Ward } from '@vigil/contracts';

/**
 * A stand-in for the Vigil REST API with just the endpoints the simulator uses, over real HTTP on an
 * ephemeral port, following docs/api-surface.md (cookie session, error shape, 409 on a duplicate
 * NHS number). It records every request so tests can assert what the simulator asked for.
 */
export class FakeVigilApi {
  readonly wards: Ward[] = [
    { id: randomUUID(), name: 'North virtual ward' },
    { id: randomUUID(), name: 'South virtual ward' },
  ];
  readonly patients: PatientSummary[] = [];
  readonly devices: (DeviceView & { secret: string })[] = [];
  readonly deadLetters: DeadLetterView[] = [];
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly sessions = new Set<string>();
  /** The role of each session (the real api's R9: only a clinician records an oxygen prescription). */
  readonly roles = new Map<string, 'admin' | 'clinician'>();
  /** N1: oxygen prescriptions recorded, by patient id, with who recorded them. */
  readonly oxygenPrescriptions = new Map<string, { onOxygen: boolean; reason: string; setBy: string }>();
  /** NHS numbers GET /api/patients leaves out until a POST for them conflicts: a race with another admitter. */
  readonly hiddenFromList = new Set<string>();
  private server: Server | null = null;

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  admit(nhsNumber: string, wardId: string): PatientSummary {
    const patient: PatientSummary = {
      id: randomUUID(),
      nhsNumber,
      givenName: 'Pre',
      familyName: 'Existing',
      dateOfBirth: null,
      wardId,
      spo2Scale: 1,
      pathway: 'general',
      admittedAt: new Date().toISOString(),
      dischargedAt: null,
      latestScore: null,
      latestObservations: [],
    };
    this.patients.push(patient);
    return patient;
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, body });
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, { error: { code, message } });

    if (method === 'POST' && url.pathname === '/api/auth/login') {
      const { username, password } = body as { username: string; password: string };
      const role =
        username === 'admin' && password === 'correct horse battery'
          ? 'admin'
          : username === 'clinician' && password === 'staple battery horse'
            ? 'clinician'
            : null;
      if (!role) return fail(401, 'invalid-credentials', 'wrong user name or password');
      const token = randomBytes(16).toString('hex');
      this.sessions.add(token);
      this.roles.set(token, role);
      return send(
        200,
        { user: { id: randomUUID(), username, displayName: username, role, wardIds: [] } },
        { 'set-cookie': `vigil_session=${token}; HttpOnly; SameSite=Strict; Path=/` },
      );
    }
    const token = /vigil_session=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!token || !this.sessions.has(token)) return fail(401, 'not-signed-in', 'sign in first');

    if (method === 'GET' && url.pathname === '/api/wards') return send(200, this.wards);
    if (method === 'GET' && url.pathname === '/api/patients') {
      return send(
        200,
        this.patients.filter((p) => !this.hiddenFromList.has(p.nhsNumber)),
      );
    }
    if (method === 'POST' && url.pathname === '/api/patients') {
      const input = body as Pick<
        PatientSummary,
        'nhsNumber' | 'givenName' | 'familyName' | 'wardId' | 'spo2Scale'
      >;
      if (this.patients.some((p) => p.nhsNumber === input.nhsNumber)) {
        this.hiddenFromList.delete(input.nhsNumber);
        return fail(409, 'patient-already-admitted', 'a patient with this NHS number is already admitted');
      }
      if (!this.wards.some((w) => w.id === input.wardId)) return fail(400, 'validation', 'unknown ward');
      const patient = { ...this.admit(input.nhsNumber, input.wardId), ...input };
      this.patients[this.patients.length - 1] = patient;
      return send(201, patient);
    }
    if (method === 'GET' && url.pathname === '/api/devices')
      return send(
        200,
        this.devices.map(({ secret: _s, ...d }) => d),
      );
    if (method === 'POST' && url.pathname === '/api/devices') {
      const { kind } = body as { kind: string };
      const device = {
        id: `${kind.slice(0, 2)}-${randomBytes(6).toString('hex')}`,
        kind,
        serial: null,
        status: 'active',
        battery: null,
        lastSeenAt: null,
        provisionedAt: new Date().toISOString(),
        boundPatientId: null,
        boundFrom: null,
        secret: randomBytes(24).toString('base64url'),
      };
      this.devices.push(device);
      const { secret, ...view } = device;
      return send(201, { device: view, secret });
    }
    const bind = /^\/api\/devices\/([^/]+)\/bind$/.exec(url.pathname);
    if (method === 'POST' && bind) {
      const device = this.devices.find((d) => d.id === decodeURIComponent(bind[1]));
      if (!device) return fail(404, 'not-found', 'no such device');
      device.boundPatientId = (body as { patientId: string }).patientId;
      device.boundFrom = new Date().toISOString();
      return send(204);
    }
    if (method === 'GET' && url.pathname === '/api/dead-letters') return send(200, this.deadLetters);
    const patientPath = /^\/api\/patients\/([^/]+)(\/oxygen-prescription)?$/.exec(url.pathname);
    const patient = patientPath ? this.patients.find((p) => p.id === patientPath[1]) : undefined;
    if (patientPath && !patient) return fail(404, 'not-found', 'no such patient');
    if (method === 'GET' && patient && !patientPath![2]) {
      return send(200, { ...patient, oxygenPrescription: this.oxygenPrescriptions.get(patient.id) ?? null });
    }
    if (method === 'PUT' && patient && patientPath![2]) {
      if (this.roles.get(token) !== 'clinician')
        return fail(403, 'forbidden', 'an oxygen prescription is a clinician’s decision');
      const { onOxygen, reason } = body as { onOxygen: boolean; reason: string };
      this.oxygenPrescriptions.set(patient.id, { onOxygen, reason, setBy: 'clinician' });
      return send(200, { ...patient, oxygenPrescription: this.oxygenPrescriptions.get(patient.id) });
    }
    return fail(404, 'not-found', `${method} ${url.pathname}`);
  }
}
