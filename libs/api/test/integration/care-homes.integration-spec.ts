import request from 'supertest';
import { DEFAULT_ALERTING_POLICY, EpisodeBook, evaluateFall } from '@vigil/alerting';
import { AlertsRepository, UsersRepository } from '@vigil/storage';
import { PASSWORD, seenOf, startHarness, validNhsNumber, type Harness } from '../support/api-harness';
import { login } from '../support/session';

describe('care homes (issue 14)', () => {
  let h: Harness;
  let admin: string;
  let nurseA: string;
  let staff: string;
  let otherStaff: string;
  let homeId: string;
  let residentId: string;

  /** A fall of a resident, opened as the scorer opens it (`@vigil/alerting` with the care home in context). */
  async function residentFall(patientId: string, wardId: string, careHomeId: string | null, minutesAgo = 0) {
    const at = new Date(Date.now() - minutesAgo * 60_000);
    const [finding] = evaluateFall({
      patient: { patientId, wardId } as never,
      readings: [
        {
          observationId: `fall-${at.getTime()}`,
          parameter: 'fall',
          value: 1,
          valueCode: null,
          measuredAt: at.toISOString(),
          deviceId: 'fs-1',
          detail: { location: 'bedroom' },
        } as never,
      ],
    } as never);
    const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, at);
    book.apply({ patientId, wardId, careHomeId }, finding);
    const { save } = book.changes();
    await h.db.transaction((tx) => new AlertsRepository().save(tx, save));
    return save[0];
  }

  beforeAll(async () => {
    h = await startHarness();
    const users = new UsersRepository(h.dataSource);
    const staffUser = await users.create({
      username: 'carer.oaks',
      displayName: 'Carer Oaks',
      role: 'care-home',
      wardIds: [],
      password: PASSWORD,
    });
    const otherUser = await users.create({
      username: 'carer.elms',
      displayName: 'Carer Elms',
      role: 'care-home',
      wardIds: [],
      password: PASSWORD,
    });
    admin = await login(h.url, 'admin');
    nurseA = await login(h.url, 'nurse.a');
    staff = await login(h.url, 'carer.oaks');
    otherStaff = await login(h.url, 'carer.elms');

    const home = await request(h.url)
      .post('/api/care-homes')
      .set('Cookie', admin)
      .send({ name: 'The Oaks', escalationWardId: h.wardA });
    expect(home.status).toBe(201);
    homeId = home.body.id;
    const elms = await request(h.url)
      .post('/api/care-homes')
      .set('Cookie', admin)
      .send({ name: 'The Elms', escalationWardId: h.wardA });
    expect(
      (
        await request(h.url)
          .post(`/api/care-homes/${homeId}/staff`)
          .set('Cookie', admin)
          .send({ userId: staffUser.id })
      ).status,
    ).toBe(204);
    await request(h.url)
      .post(`/api/care-homes/${elms.body.id}/staff`)
      .set('Cookie', admin)
      .send({ userId: otherUser.id });
  });
  afterAll(async () => h?.close());

  it('enrols a resident in falls prevention without a virtual-ward plan, and refuses a nurse account as staff', async () => {
    const res = await request(h.url)
      .post(`/api/care-homes/${homeId}/residents`)
      .set('Cookie', admin)
      .send({
        nhsNumber: validNhsNumber(555000111),
        givenName: 'Edith',
        familyName: 'Oak',
        room: '12',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      givenName: 'Edith',
      room: '12',
      fallsPreventionSince: expect.any(String),
    });
    residentId = res.body.patientId;
    const [row] = await h.db.query<{ pathway: string; monitoring: object }>(
      `SELECT pathway, monitoring FROM patients WHERE id = $1`,
      [residentId],
    );
    expect(row).toEqual({ pathway: 'falls-prevention', monitoring: {} });
    const nurse = await request(h.url)
      .post(`/api/care-homes/${homeId}/staff`)
      .set('Cookie', admin)
      .send({ userId: h.users.nurseA.id });
    expect(nurse.status).toBe(400);
    const staffList = await request(h.url).get(`/api/care-homes/${homeId}/residents`).set('Cookie', staff);
    expect(staffList.body.map((r: { patientId: string }) => r.patientId)).toEqual([residentId]);
    expect(
      (await request(h.url).get(`/api/care-homes/${homeId}/residents`).set('Cookie', otherStaff)).status,
    ).toBe(404);
    expect(
      (await request(h.url).get(`/api/care-homes/${homeId}/residents`).set('Cookie', nurseA)).status,
    ).toBe(403);
    expect(
      (await request(h.url).get('/api/care-homes').set('Cookie', staff)).body.map(
        (x: { name: string }) => x.name,
      ),
    ).toEqual(['The Oaks']);
  });

  it('HZ-43 a resident’s fall is the home’s first: off the ward queue, on the home’s list; its staff acknowledge it', async () => {
    const fall = await residentFall(residentId, h.wardA, homeId, 3);
    expect(fall.escalationDestination).toBe('care-home');
    const queue = await request(h.url).get('/api/alerts').set('Cookie', nurseA);
    expect(queue.body.map((a: { id: string }) => a.id)).not.toContain(fall.id);
    const falls = await request(h.url).get(`/api/care-homes/${homeId}/falls`).set('Cookie', staff);
    expect(falls.body[0]).toMatchObject({
      with: 'care-home',
      alert: { id: fall.id, state: 'open' },
      resident: { givenName: 'Edith', room: '12' },
    });

    // Another home's staff and the generic alert routes cannot touch it.
    expect(
      (
        await request(h.url)
          .post(`/api/care-homes/${homeId}/falls/${fall.id}/acknowledge`)
          .set('Cookie', otherStaff)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(h.url)
          .post(`/api/alerts/${fall.id}/acknowledge`)
          .set('Cookie', staff)
          .send({ seen: seenOf(fall) })
      ).status,
    ).toBe(404);

    const ack = await request(h.url)
      .post(`/api/care-homes/${homeId}/falls/${fall.id}/acknowledge`)
      .set('Cookie', staff);
    expect(ack.status).toBe(201);
    expect(ack.body.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: expect.any(String) });
    const [audit] = await h.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM alert_audit WHERE alert_id = $1 AND actor IS NOT NULL`,
      [fall.id],
    );
    expect(audit.action).toBe('acknowledged');
    expect(
      (
        await request(h.url)
          .post(`/api/care-homes/${homeId}/falls/${fall.id}/acknowledge`)
          .set('Cookie', staff)
      ).status,
    ).toBe(409);
    const resolve = await request(h.url)
      .post(`/api/care-homes/${homeId}/falls/${fall.id}/resolve`)
      .set('Cookie', staff)
      .send({ note: '' });
    expect(resolve.status).toBe(400);
    const done = await request(h.url)
      .post(`/api/care-homes/${homeId}/falls/${fall.id}/resolve`)
      .set('Cookie', staff)
      .send({ note: 'Checked, no injury, back to bed. Falls team told.' });
    expect(done.body.alert.state).toBe('resolved');
  });

  it('the falls view counts falls per resident, time to acknowledge and repeat fallers', async () => {
    const second = await residentFall(residentId, h.wardA, homeId, 1);
    await request(h.url)
      .post(`/api/care-homes/${homeId}/falls/${second.id}/acknowledge`)
      .set('Cookie', staff);
    const report = await request(h.url).get(`/api/care-homes/${homeId}/falls-report`).set('Cookie', staff);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ falls7: 2, falls30: 2, repeatFallers: 1, acknowledged30: 2 });
    expect(report.body.residents[0]).toMatchObject({
      patientId: residentId,
      falls7: 2,
      repeatFaller: true,
      fallsPrevention: true,
    });
    expect(report.body.medianMinutesToAcknowledge).toBeGreaterThan(0);
  });

  it('a patient who is no resident still has falls on the ward queue at once', async () => {
    const fall = await residentFall(h.patientA, h.wardA, null);
    const queue = await request(h.url).get('/api/alerts').set('Cookie', nurseA);
    expect(queue.body.map((a: { id: string }) => a.id)).toContain(fall.id);
  });
});
