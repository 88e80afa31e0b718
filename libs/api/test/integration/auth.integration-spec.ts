import request from 'supertest';
import { type Harness, seenOf, startHarness } from '../support/api-harness';
import { login } from '../support/session';

describe('sign-in and sessions', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ loginThrottle: { limit: 10, ttlMs: 60_000 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sets an httpOnly SameSite=Strict session cookie and stores only a hash of the token', async () => {
    const res = await request(h.url)
      .post('/api/auth/login')
      .send({ username: 'nurse.a', password: 'correct horse battery staple' })
      .expect(200);
    expect(res.body.user).toEqual({
      id: h.users.nurseA.id,
      username: 'nurse.a',
      displayName: 'nurse.a',
      role: 'nurse',
      wardIds: [h.wardA],
    });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('vigil_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
    const token = decodeURIComponent(cookie.split(';')[0].split('=')[1]);
    const rows: { token_hash: string }[] = await h.dataSource.query(`SELECT token_hash FROM sessions`);
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await request(h.url)
      .post('/api/auth/login')
      .send({ username: 'nurse.a', password: 'nope' })
      .expect(401);
    const unknown = await request(h.url)
      .post('/api/auth/login')
      .send({ username: 'nobody', password: 'nope' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid-credentials');
  });

  it('ends a session past its idle expiry or its absolute expiry', async () => {
    const idle = await login(h.url, 'nurse.b');
    await request(h.url).get('/api/auth/me').set('Cookie', idle).expect(200);
    await h.dataSource.query(
      `UPDATE sessions SET idle_expires_at = now() - interval '1 second'
       WHERE user_id = $1 AND revoked_at IS NULL`,
      [h.users.nurseB.id],
    );
    const res = await request(h.url).get('/api/auth/me').set('Cookie', idle).expect(401);
    expect(res.body.error.message).toMatch(/session has ended/);

    const absolute = await login(h.url, 'nurse.b');
    await h.dataSource.query(
      `UPDATE sessions SET absolute_expires_at = now() - interval '1 second', created_at = now() - interval '13 hours'
       WHERE user_id = $1 AND revoked_at IS NULL AND idle_expires_at > now()`,
      [h.users.nurseB.id],
    );
    await request(h.url).get('/api/auth/me').set('Cookie', absolute).expect(401);
  });

  it('a disabled account loses its sessions at once', async () => {
    const admin = await login(h.url, 'admin');
    const clinician = await login(h.url, 'clinician.a');
    await request(h.url)
      .put(`/api/users/${h.users.clinicianA.id}`)
      .set('Cookie', admin)
      .send({ disabled: true })
      .expect(200);
    await request(h.url).get('/api/auth/me').set('Cookie', clinician).expect(401);
    await request(h.url)
      .post('/api/auth/login')
      .send({ username: 'clinician.a', password: 'correct horse battery staple' })
      .expect(401);
  });

  it('refuses a state-changing request from a foreign Origin', async () => {
    const cookie = await login(h.url, 'nurse.a');
    const alert = await h.openAlert(h.patientA, h.wardA);
    const res = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .send({ seen: seenOf(alert) })
      .expect(403);
    expect(res.body.error.code).toBe('origin-not-allowed');
    await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', cookie)
      .set('Origin', h.origin)
      .send({ seen: seenOf(alert) })
      .expect(200);
  });

  it('rate-limits failed sign-in attempts (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await request(h.url)
        .post('/api/auth/login')
        .send({ username: 'nurse.a', password: 'wrong' });
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
    const limited = await request(h.url)
      .post('/api/auth/login')
      .send({ username: 'nurse.a', password: 'wrong' })
      .expect(429);
    expect(limited.body.error.code).toBe('too-many-attempts');
  });
});
