import { streamTopics } from '@vigil/contracts';
import { DeviceRegistryRepository, PatientsRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, seenOf, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';
import { connectSocket, type TestSocket } from '../support/sockets';

/** The FHIR export is wired: admins and clinicians of the ward get the Bundle. */
const FHIR_OK = 200;

type Who = 'anonymous' | 'nurseA' | 'nurseB' | 'coordinator' | 'admin' | 'clinicianA';
const WHO: readonly Who[] = ['anonymous', 'nurseA', 'nurseB', 'coordinator', 'admin', 'clinicianA'];
const USERNAMES: Record<Exclude<Who, 'anonymous'>, string> = {
  nurseA: 'nurse.a',
  nurseB: 'nurse.b',
  coordinator: 'coordinator',
  admin: 'admin',
  clinicianA: 'clinician.a',
};

interface Call {
  method: 'get' | 'post' | 'put';
  path: string;
  body?: unknown;
}

interface RouteCase {
  name: string;
  /** Builds a fresh target (resources on ward A) for each caller so state changes never leak between cells. */
  setup: (who: Who) => Promise<Call>;
  expected: Record<Who, number>;
}

/** Expected statuses in WHO order: anonymous, nurse A, nurse B, coordinator, admin, clinician A. */
function cells(...codes: number[]): Record<Who, number> {
  return Object.fromEntries(WHO.map((w, i) => [w, codes[i]])) as Record<Who, number>;
}

describe('HZ-11 security matrix: every REST route × every kind of caller', () => {
  let h: Harness;
  const cookies: Partial<Record<Who, string>> = {};
  let patients: PatientsRepository;
  let registry: DeviceRegistryRepository;
  let nhsSeed = 500_000_000;
  let seq = 0;

  const quietPatient = async (): Promise<string> =>
    (
      await patients.admit({
        nhsNumber: validNhsNumber(nhsSeed++ * 3),
        givenName: 'Quinn',
        familyName: 'Quiet',
        wardId: h.wardA,
      })
    ).id;
  const freshAlert = async (): Promise<string> => (await h.openAlert(await quietPatient(), h.wardA)).id;
  /** A new alert's path and the `seen` a page showing it sends (HZ-10). */
  const freshAlertSeen = async (action: string) => {
    const alert = await h.openAlert(await quietPatient(), h.wardA);
    return { path: `/api/alerts/${alert.id}/${action}`, seen: seenOf(alert) };
  };

  beforeAll(async () => {
    h = await startHarness();
    patients = new PatientsRepository(h.dataSource);
    registry = new DeviceRegistryRepository(h.dataSource);
    for (const who of WHO) if (who !== 'anonymous') cookies[who] = await login(h.url, USERNAMES[who]);
  });
  afterAll(async () => {
    await h?.close();
  });

  const routes: RouteCase[] = [
    {
      name: 'GET /auth/me',
      setup: async () => ({ method: 'get', path: '/api/auth/me' }),
      expected: cells(401, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /wards',
      setup: async () => ({ method: 'get', path: '/api/wards' }),
      expected: cells(401, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /patients',
      setup: async () => ({ method: 'get', path: '/api/patients' }),
      expected: cells(401, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /patients?wardId=A',
      setup: async () => ({ method: 'get', path: `/api/patients?wardId=${h.wardA}` }),
      expected: cells(401, 200, 403, 200, 200, 200),
    },
    {
      name: 'POST /patients (admit to ward A)',
      setup: async () => ({
        method: 'post',
        path: '/api/patients',
        body: {
          nhsNumber: validNhsNumber(nhsSeed++ * 7),
          givenName: 'New',
          familyName: 'Patient',
          wardId: h.wardA,
        },
      }),
      expected: cells(401, 403, 403, 403, 201, 201),
    },
    {
      name: 'GET /patients/:id',
      setup: async () => ({ method: 'get', path: `/api/patients/${await quietPatient()}` }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /patients/:id/pathway-discharge',
      setup: async () => ({
        method: 'post',
        path: `/api/patients/${await quietPatient()}/pathway-discharge`,
        body: { outcome: 'recovered-at-home', deviceReturn: 'not-applicable' },
      }),
      expected: cells(401, 403, 403, 403, 201, 201),
    },
    {
      name: 'PUT /patients/:id/spo2-scale',
      setup: async () => ({
        method: 'put',
        path: `/api/patients/${await quietPatient()}/spo2-scale`,
        body: { scale: 2, reason: 'COPD with type 2 respiratory failure' },
      }),
      expected: cells(401, 403, 403, 403, 403, 200),
    },
    {
      name: 'PUT /patients/:id/oxygen-prescription',
      setup: async () => ({
        method: 'put',
        path: `/api/patients/${await quietPatient()}/oxygen-prescription`,
        body: { onOxygen: true, reason: 'Home oxygen 2 L/min' },
      }),
      expected: cells(401, 403, 403, 403, 403, 200),
    },
    {
      name: 'PUT /patients/:id/thresholds',
      setup: async () => ({
        method: 'put',
        path: `/api/patients/${await quietPatient()}/thresholds`,
        body: [{ parameter: 'spo2', below: 88, note: 'COPD' }],
      }),
      expected: cells(401, 403, 403, 403, 403, 200),
    },
    {
      name: 'PUT /patients/:id/monitoring',
      setup: async () => ({
        method: 'put',
        path: `/api/patients/${await quietPatient()}/monitoring`,
        body: { requiredParameters: ['spo2'], intervalMinutes: 240, graceMinutes: 30, freshnessMinutes: 360 },
      }),
      expected: cells(401, 403, 403, 403, 403, 200),
    },
    {
      name: 'GET /patients/:id/observations',
      setup: async () => ({ method: 'get', path: `/api/patients/${await quietPatient()}/observations` }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'GET /patients/:id/observations/hourly',
      setup: async () => ({
        method: 'get',
        path: `/api/patients/${await quietPatient()}/observations/hourly`,
      }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /patients/:id/observations',
      setup: async () => ({
        method: 'post',
        path: `/api/patients/${await quietPatient()}/observations`,
        body: { respiratoryRate: 18, measuredAt: new Date().toISOString() },
      }),
      expected: cells(401, 202, 404, 403, 403, 202),
    },
    {
      name: 'GET /patients/:id/scores',
      setup: async () => ({ method: 'get', path: `/api/patients/${await quietPatient()}/scores` }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'GET /patients/:id/alerts',
      setup: async () => ({ method: 'get', path: `/api/patients/${await quietPatient()}/alerts` }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'GET /alerts',
      setup: async () => ({ method: 'get', path: '/api/alerts' }),
      expected: cells(401, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /alerts?wardId=A',
      setup: async () => ({ method: 'get', path: `/api/alerts?wardId=${h.wardA}` }),
      expected: cells(401, 200, 403, 200, 200, 200),
    },
    {
      name: 'GET /alerts/:id',
      setup: async () => ({ method: 'get', path: `/api/alerts/${await freshAlert()}` }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /alerts/:id/acknowledge',
      setup: async () => {
        const { path, seen } = await freshAlertSeen('acknowledge');
        return { method: 'post', path, body: { seen } };
      },
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /alerts/:id/assign',
      setup: async () => ({
        method: 'post',
        path: `/api/alerts/${await freshAlert()}/assign`,
        body: { userId: h.users.nurseA.id },
      }),
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /alerts/:id/escalate',
      setup: async () => ({
        method: 'post',
        path: `/api/alerts/${await freshAlert()}/escalate`,
        body: { reason: 'needs CCC review', destination: 'ccc' },
      }),
      expected: cells(401, 200, 404, 403, 200, 200),
    },
    {
      name: 'POST /alerts/:id/resolve',
      setup: async () => {
        const { path, seen } = await freshAlertSeen('resolve');
        return { method: 'post', path, body: { note: 'ok', outcome: 'no-action', seen } };
      },
      expected: cells(401, 200, 404, 404, 200, 200),
    },
    {
      name: 'POST /alerts/:id/snooze',
      setup: async () => {
        const { path, seen } = await freshAlertSeen('snooze');
        return { method: 'post', path, body: { minutes: 30, seen } };
      },
      expected: cells(401, 200, 404, 403, 403, 200),
    },
    {
      name: 'GET /ccc/queue',
      setup: async () => ({ method: 'get', path: '/api/ccc/queue' }),
      expected: cells(401, 403, 403, 200, 200, 403),
    },
    {
      name: 'GET /devices',
      setup: async () => ({ method: 'get', path: '/api/devices' }),
      expected: cells(401, 403, 403, 403, 200, 403),
    },
    {
      name: 'POST /devices',
      setup: async () => ({ method: 'post', path: '/api/devices', body: { kind: 'pulse-oximeter' } }),
      expected: cells(401, 403, 403, 403, 201, 403),
    },
    {
      name: 'POST /devices/:id/bind',
      setup: async () => {
        const { device } = await registry.provision({ kind: 'thermometer' });
        return {
          method: 'post',
          path: `/api/devices/${device.id}/bind`,
          body: { patientId: await quietPatient() },
        };
      },
      expected: cells(401, 403, 403, 403, 200, 200),
    },
    {
      name: 'POST /devices/:id/unbind',
      setup: async () => {
        const { device } = await registry.provision({ kind: 'thermometer' });
        await registry.bind({
          deviceId: device.id,
          patientId: await quietPatient(),
          from: new Date(Date.now() - 60_000),
        });
        return { method: 'post', path: `/api/devices/${device.id}/unbind` };
      },
      expected: cells(401, 403, 403, 403, 200, 200),
    },
    {
      name: 'GET /users',
      setup: async () => ({ method: 'get', path: '/api/users' }),
      expected: cells(401, 403, 403, 403, 200, 403),
    },
    {
      name: 'POST /users',
      setup: async () => ({
        method: 'post',
        path: '/api/users',
        body: {
          username: `user.${seq++}`,
          displayName: 'New',
          role: 'nurse',
          wardIds: [h.wardA],
          password: 'a long enough password',
        },
      }),
      expected: cells(401, 403, 403, 403, 201, 403),
    },
    {
      name: 'PUT /users/:id',
      setup: async () => ({
        method: 'put',
        path: `/api/users/${h.users.nurseB.id}`,
        body: { displayName: 'Nurse B' },
      }),
      expected: cells(401, 403, 403, 403, 200, 403),
    },
    {
      name: 'GET /audit',
      setup: async () => ({ method: 'get', path: '/api/audit' }),
      expected: cells(401, 403, 403, 403, 200, 200),
    },
    {
      name: 'GET /audit?alertId',
      setup: async () => ({ method: 'get', path: `/api/audit?alertId=${await freshAlert()}` }),
      expected: cells(401, 403, 403, 403, 200, 200),
    },
    {
      name: 'GET /dead-letters',
      setup: async () => ({ method: 'get', path: '/api/dead-letters' }),
      expected: cells(401, 403, 403, 403, 200, 403),
    },
    {
      name: 'GET /status',
      setup: async () => ({ method: 'get', path: '/api/status' }),
      expected: cells(401, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /fhir/Patient/:id/$everything',
      setup: async () => ({ method: 'get', path: `/api/fhir/Patient/${await quietPatient()}/$everything` }),
      expected: cells(401, 403, 403, 403, FHIR_OK, FHIR_OK),
    },
    {
      name: 'GET /health (public)',
      setup: async () => ({ method: 'get', path: '/api/health' }),
      expected: cells(200, 200, 200, 200, 200, 200),
    },
    {
      name: 'GET /metrics (public)',
      setup: async () => ({ method: 'get', path: '/metrics' }),
      expected: cells(200, 200, 200, 200, 200, 200),
    },
  ];

  it.each(routes.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
    const actual: Partial<Record<Who, number>> = {};
    for (const who of WHO) {
      const call = await route.setup(who);
      let req = request(h.url)[call.method](call.path);
      const cookie = cookies[who];
      if (cookie) req = req.set('Cookie', cookie);
      const res = call.body === undefined ? await req : await req.send(call.body as object);
      actual[who] = res.status;
      if (res.status >= 400) {
        expect(res.body.error.code).toEqual(expect.any(String));
        expect(res.body.error.message).toEqual(expect.any(String));
      }
    }
    expect(actual).toEqual(route.expected);
  });

  it('a coordinator sees a patient of another ward only while one of their alerts is escalated', async () => {
    const patientId = await quietPatient();
    await request(h.url).get(`/api/patients/${patientId}`).set('Cookie', cookies.coordinator!).expect(404);
    const alert = await h.openAlert(patientId, h.wardA);
    await request(h.url)
      .post(`/api/alerts/${alert.id}/escalate`)
      .set('Cookie', cookies.nurseA!)
      .send({ reason: 'review', destination: 'ccc' })
      .expect(200);
    await request(h.url).get(`/api/patients/${patientId}`).set('Cookie', cookies.coordinator!).expect(200);
    await request(h.url).get(`/api/alerts/${alert.id}`).set('Cookie', cookies.coordinator!).expect(200);
    // Reading, not changing: a coordinator cannot edit the patient.
    await request(h.url)
      .post(`/api/patients/${patientId}/observations`)
      .set('Cookie', cookies.coordinator!)
      .send({ respiratoryRate: 18, measuredAt: new Date().toISOString() })
      .expect(403);
    // The nurse of the other ward still cannot.
    await request(h.url).get(`/api/patients/${patientId}`).set('Cookie', cookies.nurseB!).expect(404);
    await request(h.url).get(`/api/alerts/${alert.id}`).set('Cookie', cookies.nurseB!).expect(404);
  });

  it('no ward B data reaches the nurse of ward A through any list', async () => {
    const bAlert = await h.openAlert(h.patientB, h.wardB, 'personal-threshold');
    const a = cookies.nurseA!;
    const wards = await request(h.url).get('/api/wards').set('Cookie', a).expect(200);
    expect(wards.body.map((w: { id: string }) => w.id)).toEqual([h.wardA]);
    const list = await request(h.url).get('/api/patients').set('Cookie', a).expect(200);
    expect(list.body.length).toBeGreaterThan(0);
    expect(list.body.every((p: { wardId: string }) => p.wardId === h.wardA)).toBe(true);
    const alerts = await request(h.url)
      .get('/api/alerts?state=open,acknowledged,escalated,resolved')
      .set('Cookie', a)
      .expect(200);
    expect(alerts.body.every((x: { wardId: string }) => x.wardId === h.wardA)).toBe(true);
    expect(alerts.body.map((x: { id: string }) => x.id)).not.toContain(bAlert.id);
    const forB = await request(h.url).get(`/api/patients?wardId=${h.wardB}`).set('Cookie', a).expect(403);
    expect(forB.body.error.code).toBe('forbidden');
    await request(h.url).get(`/api/patients/${h.patientB}`).set('Cookie', a).expect(404);
    await request(h.url).get(`/api/patients/${h.patientB}/observations`).set('Cookie', a).expect(404);
    await request(h.url).get(`/api/alerts/${bAlert.id}`).set('Cookie', a).expect(404);
    // The coordinator sees no ward's patients wholesale.
    const coord = await request(h.url).get('/api/patients').set('Cookie', cookies.coordinator!).expect(200);
    expect(coord.body.map((p: { id: string }) => p.id)).not.toContain(h.patientB);
  });

  it('socket rooms: ward A events reach nurse A and admins, never nurse B; the CCC only once escalated', async () => {
    const open = async (who: Who): Promise<TestSocket> =>
      connectSocket(h.url, { cookie: cookies[who], origin: h.origin });
    const sockets = {
      nurseA: await open('nurseA'),
      nurseB: await open('nurseB'),
      coordinator: await open('coordinator'),
      admin: await open('admin'),
    };
    try {
      const alert = await h.openAlert(h.patientA, h.wardA, 'overdue-reading', 'medium');
      // The REST action publishes to alerts.events; in-process the publish resolves once pushed to sockets.
      await request(h.url)
        .post(`/api/alerts/${alert.id}/acknowledge`)
        .set('Cookie', cookies.nurseA!)
        .send({ seen: seenOf(alert) })
        .expect(200);
      await request(h.url)
        .post(`/api/alerts/${alert.id}/escalate`)
        .set('Cookie', cookies.nurseA!)
        .send({ reason: 'review', destination: 'ccc' })
        .expect(200);
      // Sentinel: a pipeline event goes to everyone after the alert events; one socket delivers in order.
      const sentinels = Object.values(sockets).map((s) => s.nextPipeline());
      await h.stream.publish(streamTopics.alerts, [
        {
          key: 'pipeline',
          value: { type: 'pipeline.status', healthy: true, lastHeartbeatAt: null, detail: 'sentinel' },
        },
      ]);
      await Promise.all(sentinels);

      const types = (s: TestSocket) =>
        s.received.alert.filter((e) => e.alert.id === alert.id).map((e) => e.type);
      expect(types(sockets.nurseA)).toEqual(['alert.acknowledged', 'alert.escalated']);
      expect(types(sockets.admin)).toEqual(['alert.acknowledged', 'alert.escalated']);
      expect(types(sockets.coordinator)).toEqual(['alert.escalated']);
      expect(sockets.nurseB.received.alert.filter((e) => e.alert.wardId === h.wardA)).toEqual([]);
      expect(sockets.nurseB.received.score.filter((e) => e.wardId === h.wardA)).toEqual([]);
    } finally {
      for (const s of Object.values(sockets)) s.socket.close();
    }
  });
});
