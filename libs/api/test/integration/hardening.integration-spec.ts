import request from 'supertest';
import { DeadLettersRepository, DeviceRegistryRepository, hashSessionToken } from '@vigil/storage';
import { SessionsService } from '../../src/auth/sessions.service';
import { type Harness, PASSWORD, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';

// Issue 12: the api's edges (D4, D8, D9, D10, D11, D12, dead-letter paging, session purge).
jest.setTimeout(60_000);
describe('api hardening (issue 12)', () => {
  let h: Harness;
  let proxied: Harness;
  const cookies: Record<'admin' | 'clinician' | 'nurse', string> = { admin: '', clinician: '', nurse: '' };

  beforeAll(async () => {
    // The defaults of a real deployment: cookie Secure decided per request, no trusted proxy.
    h = await startHarness({
      cookieSecure: undefined,
      loginThrottle: { limit: 8, ttlMs: 60_000 },
      loginFailuresPerAccount: 3,
      // A deployment whose ingest signs in to the broker under its own name (MQTT_USERNAME).
      brokerServiceAccounts: ['ward-broker-ingest'],
    });
    // Behind a reverse proxy on loopback, whose X-Forwarded-For is believed.
    proxied = await startHarness({
      cookieSecure: undefined,
      trustProxy: ['loopback'],
      loginThrottle: { limit: 8, ttlMs: 60_000 },
      loginFailuresPerAccount: 3,
    });
    // Signed in before any test makes this address fail sign-ins.
    cookies.admin = await login(h.url, 'admin');
    cookies.clinician = await login(h.url, 'clinician.a');
    cookies.nurse = await login(h.url, 'nurse.a');
  });
  afterAll(async () => {
    await h?.close();
    await proxied?.close();
  });

  it('D4: security headers on every answer: a CSP without framing, nosniff, no X-Powered-By', async () => {
    const res = await request(h.url).get('/api/auth/me').expect(401);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('D4: patient data is Cache-Control: no-store and JSON; /metrics is the Prometheus text format', async () => {
    const cookie = cookies.nurse;
    const patient = await request(h.url).get(`/api/patients/${h.patientA}`).set('Cookie', cookie).expect(200);
    expect(patient.headers['cache-control']).toBe('no-store');
    expect(patient.headers['content-type']).toMatch(/^application\/json/);
    const metrics = await request(h.url).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain;/);
    expect(metrics.headers['content-type']).toMatch(/version=0\.0\.4/);
    expect(metrics.headers['cache-control']).toBe('no-store');
  });

  it('D8: the session cookie is Secure unless the console is reached at localhost', async () => {
    const cookieFor = async (host: string) => {
      const res = await request(h.url)
        .post('/api/auth/login')
        .set('Host', host)
        .send({ username: 'nurse.b', password: PASSWORD })
        .expect(200);
      return (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('vigil_session='))!;
    };
    expect(await cookieFor('vigil.example.nhs.uk')).toMatch(/;\s*Secure/i);
    expect(await cookieFor('127.0.0.1:3000')).not.toMatch(/Secure/i);
    expect(await cookieFor('localhost:3000')).not.toMatch(/Secure/i);
  });

  it('D9: a write is refused when only the Host (DNS rebinding) or X-Forwarded-Proto vouches for its Origin', async () => {
    const cookie = cookies.admin;
    const rebound = await request(h.url)
      .post('/api/users')
      .set('Cookie', cookie)
      .set('Host', 'rebound.example:3000')
      .set('Origin', 'http://rebound.example:3000')
      .send({
        username: 'rebound',
        displayName: 'x',
        role: 'coordinator',
        password: 'a long and unusual passphrase',
      });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error.code).toBe('origin-not-allowed');
    const forwarded = await request(h.url)
      .post('/api/users')
      .set('Cookie', cookie)
      .set('Host', 'vigil.example')
      .set('X-Forwarded-Proto', 'https')
      .set('Origin', 'https://vigil.example')
      .send({
        username: 'forwarded',
        displayName: 'x',
        role: 'coordinator',
        password: 'a long and unusual passphrase',
      });
    expect(forwarded.status).toBe(403);
    await request(h.url)
      .post('/api/users')
      .set('Cookie', cookie)
      .set('Origin', h.origin)
      .send({
        username: 'origin.check',
        displayName: 'Origin check',
        role: 'coordinator',
        password: 'a long and unusual passphrase',
      })
      .expect(201);
  });

  it('D10: successful sign-ins never count: a whole ward signs in through one proxy address', async () => {
    for (let i = 0; i < 20; i += 1) {
      await request(proxied.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', '198.51.100.1')
        .send({ username: i % 2 ? 'nurse.a' : 'nurse.b', password: PASSWORD })
        .expect(200);
    }
  });

  it('D10: failures are limited per account (even from many addresses) and per client address behind the proxy', async () => {
    for (let i = 0; i < 3; i += 1) {
      await request(proxied.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i}`)
        .send({ username: 'clinician.a', password: 'wrong password' })
        .expect(401);
    }
    // The account is held, whatever the address, even with the right password...
    await request(proxied.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '192.0.2.50')
      .send({ username: 'clinician.a', password: PASSWORD })
      .expect(429);
    // ...but nobody else is locked out.
    await request(proxied.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '192.0.2.0')
      .send({ username: 'admin', password: PASSWORD })
      .expect(200);
    // One attacking address reaching its limit is held, and only it.
    for (let i = 0; i < 8; i += 1) {
      await request(proxied.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', '192.0.2.66')
        .send({ username: `guess.${i}`, password: 'wrong password' })
        .expect(401);
    }
    await request(proxied.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '192.0.2.66')
      .send({ username: 'admin', password: PASSWORD })
      .expect(429);
    await request(proxied.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '192.0.2.67')
      .send({ username: 'admin', password: PASSWORD })
      .expect(200);
  });

  it('HZ-11 HZ-60 no device is provisioned under a broker service account: the default ones or the configured MQTT_USERNAME (409)', async () => {
    const provision = (id: string) =>
      request(h.url)
        .post('/api/devices')
        .set('Cookie', cookies.admin)
        .set('Origin', h.origin)
        .send({ kind: 'pulse-oximeter', id });
    for (const id of ['ward-broker-ingest', 'Ward-Broker-Ingest', 'vigil-ingest', 'vigil-service']) {
      const res = await provision(id);
      expect([id, res.status]).toEqual([id, 409]);
      expect(JSON.stringify(res.body)).toContain('service account');
    }
    expect((await provision('ward-broker-ox-1')).status).toBe(201);
  });

  it('D11: unbinding a missing, an unbound or another ward’s device gives one and the same answer', async () => {
    const registry = new DeviceRegistryRepository(h.dataSource);
    const cookie = cookies.clinician;
    const unbound = (await registry.provision({ kind: 'thermometer' })).device.id;
    const otherWard = (await registry.provision({ kind: 'thermometer' })).device.id;
    await registry.bind({ deviceId: otherWard, patientId: h.patientB, from: new Date(Date.now() - 60_000) });
    const answers = [];
    for (const id of ['no-such-device', unbound, otherWard, 'bad id!']) {
      const res = await request(h.url)
        .post(`/api/devices/${encodeURIComponent(id)}/unbind`)
        .set('Cookie', cookie)
        .set('Origin', h.origin);
      answers.push({ status: res.status, body: res.body as unknown });
    }
    expect(answers[0].status).toBe(404);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('D12: thresholds are bounded per parameter and never numeric for consciousness', async () => {
    const cookie = cookies.clinician;
    const put = (body: object) =>
      request(h.url)
        .put(`/api/patients/${h.patientA}/thresholds`)
        .set('Cookie', cookie)
        .set('Origin', h.origin)
        .send(body);
    const consciousness = await put([{ parameter: 'consciousness', above: 1 }]);
    expect(consciousness.status).toBe(400);
    expect(JSON.stringify(consciousness.body)).toMatch(/consciousness takes no numeric threshold/);
    const absurd = await put([{ parameter: 'spo2', below: 500 }]);
    expect(absurd.status).toBe(400);
    expect(JSON.stringify(absurd.body)).toMatch(/below for spo2 must be within 50–100/);
    await put([{ parameter: 'spo2', below: 88, note: 'COPD' }]).expect(200);
  });

  it('D12: a date of birth in the future, a common password and a display name with markup are refused', async () => {
    const admin = cookies.admin;
    const future = await request(h.url)
      .post('/api/patients')
      .set('Cookie', admin)
      .set('Origin', h.origin)
      .send({
        nhsNumber: validNhsNumber(401023213),
        givenName: 'Future',
        familyName: 'Baby',
        dateOfBirth: '2999-01-01',
        wardId: h.wardA,
      });
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toMatch(/date of birth cannot be in the future/);
    const user = (password: string, displayName = 'Ward Nurse') =>
      request(h.url)
        .post('/api/users')
        .set('Cookie', admin)
        .set('Origin', h.origin)
        .send({ username: 'new.nurse', displayName, role: 'nurse', wardIds: [h.wardA], password });
    for (const common of ['passwordpassword', 'qwerty123456', 'Qwerty123456']) {
      const res = await user(common);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/most commonly used passwords|pattern repeated/);
    }
    const markup = await user('a long and unusual passphrase', '<img src=x onerror=alert(1)>');
    expect(markup.status).toBe(400);
    expect(JSON.stringify(markup.body)).toMatch(/display name must be plain text/);
    await user('a long and unusual passphrase').expect(201);
  });

  it('pages dead letters by cursor (X-Next-Cursor), each exactly once, and refuses a forged cursor', async () => {
    const deadLetters = new DeadLettersRepository(h.dataSource);
    await deadLetters.insertMany(
      Array.from({ length: 5 }, (_, i) => ({
        receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        topic: 't',
        deviceId: 'paged',
        reason: 'malformed-json' as const,
        detail: `letter ${i}`,
        measurementIndex: null,
        raw: Buffer.from('{'),
      })),
    );
    const admin = cookies.admin;
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await request(h.url)
        .get('/api/dead-letters')
        .query({ deviceId: 'paged', limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Cookie', admin)
        .expect(200);
      seen.push(...(res.body as { detail: string }[]).map((d) => d.detail));
      cursor = res.headers['x-next-cursor'] as string | undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(['letter 4', 'letter 3', 'letter 2', 'letter 1', 'letter 0']);
    const forged = await request(h.url)
      .get('/api/dead-letters')
      .query({ cursor: 'forged' })
      .set('Cookie', admin)
      .expect(400);
    expect(forged.body.error.code).toBe('validation-failed');
  });

  it('purges sessions that ended longer ago than the retention, and keeps live and recent ones', async () => {
    const stale = 'stale-token';
    const recent = 'recent-token';
    await h.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, created_at, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, now() - interval '60 days', now() - interval '59 days', now() - interval '59 days'),
              ($1, $3, now() - interval '2 days', now() - interval '1 day', now() + interval '1 day')`,
      [h.users.nurseA.id, hashSessionToken(stale), hashSessionToken(recent)],
    );
    const before: { n: number }[] = await h.dataSource.query(`SELECT count(*)::int AS n FROM sessions`);
    const purged = await h.app.get(SessionsService).purgeEnded();
    expect(purged).toBe(1);
    const left: { token_hash: string }[] = await h.dataSource.query(`SELECT token_hash FROM sessions`);
    expect(left).toHaveLength(before[0].n - 1);
    expect(left.map((r) => r.token_hash)).not.toContain(hashSessionToken(stale));
    expect(left.map((r) => r.token_hash)).toContain(hashSessionToken(recent));
  });

  // Last: it leaves this address blocked for a minute.
  it('D9/D10: without a trusted proxy, X-Forwarded-For cannot make failures count against another address', async () => {
    // Failures for 8 different accounts, each claiming another client address: all count against this socket.
    for (let i = 0; i < 8; i += 1) {
      await request(h.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ username: `nobody.${i}`, password: 'wrong password' })
        .expect(401);
    }
    const blocked = await request(h.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.99')
      .send({ username: 'coordinator', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too-many-attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
