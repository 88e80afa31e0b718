import request from 'supertest';
import { type ScoreEvent, streamTopics } from '@vigil/contracts';
import { type Harness, startHarness } from '../support/api-harness';
import { EventsGateway } from '../../src/gateway/events.gateway';
import { login } from '../support/session';
import { connectSocket } from '../support/sockets';

describe('HZ-12 socket authentication and session end', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('HZ-12 score updates reach their ward as one digest per second, each patient on its newest score, and never another ward', async () => {
    const nurseA = await connectSocket(h.url, { origin: h.origin, cookie: await login(h.url, 'nurse.a') });
    const nurseB = await connectSocket(h.url, { origin: h.origin, cookie: await login(h.url, 'nurse.b') });
    try {
      const score = (patientId: string, wardId: string, total: number): ScoreEvent => ({
        type: 'score.updated',
        patientId,
        wardId,
        score: {
          total,
          band: total >= 7 ? 'high' : total >= 5 ? 'medium' : 'low',
          partial: true,
          missing: ['consciousness'],
          redScore: false,
          perParameter: {},
          scorerVersion: 'test',
          scoredAt: new Date(Date.now() - 1000 + total).toISOString(),
          retrospective: false,
          spo2Scale: 1,
          range: null,
          oxygenSource: 'unknown',
        },
      });
      // Ten updates of patient A within moments: the first goes at once, the rest in one digest ending on the newest.
      for (let total = 0; total < 10; total += 1) {
        await h.stream.publish(streamTopics.alerts, [
          { key: h.patientA, value: score(h.patientA, h.wardA, total) },
        ]);
      }
      const deadline = Date.now() + 5000;
      while (nurseA.received.score.at(-1)?.score.total !== 9 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(nurseA.received.score.at(-1)?.score.total).toBe(9);
      expect(nurseA.received.scoreDigests.length).toBeLessThanOrEqual(2);
      expect(nurseA.received.scoreDigests.at(-1)?.map((e) => e.patientId)).toEqual([h.patientA]);
      expect(nurseB.received.score).toEqual([]);
    } finally {
      nurseA.socket.close();
      nurseB.socket.close();
    }
  });

  it('HZ-12 refuses a socket without a session cookie', async () => {
    await expect(connectSocket(h.url, { origin: h.origin })).rejects.toThrow('not-signed-in');
  });

  it('HZ-12 refuses a socket with a forged or revoked session token', async () => {
    await expect(
      connectSocket(h.url, { origin: h.origin, cookie: 'vigil_session=not-a-real-token' }),
    ).rejects.toThrow('not-signed-in');
  });

  it('HZ-12 refuses a socket from a foreign Origin, even with a valid session', async () => {
    const cookie = await login(h.url, 'nurse.a');
    await expect(connectSocket(h.url, { origin: 'https://evil.example', cookie })).rejects.toThrow();
    await expect(connectSocket(h.url, { cookie })).rejects.toThrow();
    // The same session from the allowed origin connects.
    const ok = await connectSocket(h.url, { origin: h.origin, cookie });
    expect(ok.socket.connected).toBe(true);
    ok.socket.close();
  });

  it('HZ-12 closes the sockets of a session on logout, and the cookie no longer works', async () => {
    const cookie = await login(h.url, 'nurse.a');
    const s = await connectSocket(h.url, { origin: h.origin, cookie });
    await request(h.url).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    expect(await s.disconnected).toBe('io server disconnect');
    expect(s.received.sessionEnded).toEqual([{ reason: 'signed out' }]);
    const me = await request(h.url).get('/api/auth/me').set('Cookie', cookie).expect(401);
    expect(me.body.error.code).toBe('not-signed-in');
    await expect(connectSocket(h.url, { origin: h.origin, cookie })).rejects.toThrow('not-signed-in');
  });

  it('HZ-12 closes every socket of a user whose role or wards change, and ends their sessions', async () => {
    const admin = await login(h.url, 'admin');
    const created = await request(h.url)
      .post('/api/users')
      .set('Cookie', admin)
      .send({
        username: 'nurse.moving',
        displayName: 'Moving Nurse',
        role: 'nurse',
        wardIds: [h.wardA],
        password: 'a long enough password',
      })
      .expect(201);
    const id = created.body.id as string;

    const first = await login(h.url, 'nurse.moving', 'a long enough password');
    const second = await login(h.url, 'nurse.moving', 'a long enough password');
    const s1 = await connectSocket(h.url, { origin: h.origin, cookie: first });
    const s2 = await connectSocket(h.url, { origin: h.origin, cookie: second });
    await request(h.url)
      .put(`/api/users/${id}`)
      .set('Cookie', admin)
      .send({ wardIds: [h.wardB] })
      .expect(200);
    expect(await s1.disconnected).toBe('io server disconnect');
    expect(await s2.disconnected).toBe('io server disconnect');
    await request(h.url).get('/api/auth/me').set('Cookie', first).expect(401);

    // Signs in again with the new wards; then a role change closes that socket too.
    const third = await login(h.url, 'nurse.moving', 'a long enough password');
    const me = await request(h.url).get('/api/auth/me').set('Cookie', third).expect(200);
    expect(me.body.user.wardIds).toEqual([h.wardB]);
    const s3 = await connectSocket(h.url, { origin: h.origin, cookie: third });
    await request(h.url).put(`/api/users/${id}`).set('Cookie', admin).send({ role: 'clinician' }).expect(200);
    expect(await s3.disconnected).toBe('io server disconnect');
    expect(s3.received.sessionEnded.length).toBe(1);

    // A display-name change alone keeps the session.
    const fourth = await login(h.url, 'nurse.moving', 'a long enough password');
    await request(h.url)
      .put(`/api/users/${id}`)
      .set('Cookie', admin)
      .send({ displayName: 'Renamed' })
      .expect(200);
    await request(h.url).get('/api/auth/me').set('Cookie', fourth).expect(200);
  });

  it('HZ-12 closes a socket once its session passes its idle expiry', async () => {
    const cookie = await login(h.url, 'nurse.b');
    const s = await connectSocket(h.url, { origin: h.origin, cookie });
    const other = await connectSocket(h.url, { origin: h.origin, cookie: await login(h.url, 'nurse.a') });
    await h.dataSource.query(
      `UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [h.users.nurseB.id],
    );
    await h.app.get(EventsGateway).closeEndedSessions();
    expect(await s.disconnected).toBe('io server disconnect');
    expect(s.received.sessionEnded).toEqual([{ reason: 'session expired' }]);
    expect(other.socket.connected).toBe(true);
    other.socket.close();
  });
});
