import request from 'supertest';
import { SmiService } from '../../src/smi/smi.service';
import { startHarness, type Harness } from '../support/api-harness';
import { login } from '../support/session';

describe('SMI physical-health plan (issue 14 §3)', () => {
  let h: Harness;
  let clinician: string;
  let nurseA: string;
  let nurseB: string;

  beforeAll(async () => {
    h = await startHarness();
    clinician = await login(h.url, 'clinician.a');
    nurseA = await login(h.url, 'nurse.a');
    nurseB = await login(h.url, 'nurse.b');
  });
  afterAll(async () => h?.close());

  it('a clinician sets the plan with a named care coordinator; a nurse cannot', async () => {
    const body = { coordinatorName: 'Sam Rivers (CMHT)', coordinatorContact: '01632 960 001' };
    expect(
      (await request(h.url).put(`/api/patients/${h.patientA}/smi-plan`).set('Cookie', nurseA).send(body))
        .status,
    ).toBe(403);
    const bad = await request(h.url)
      .put(`/api/patients/${h.patientA}/smi-plan`)
      .set('Cookie', clinician)
      .send({ coordinatorName: '' });
    expect(bad.status).toBe(400);
    const res = await request(h.url)
      .put(`/api/patients/${h.patientA}/smi-plan`)
      .set('Cookie', clinician)
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      intervalDays: 7,
      graceHours: 48,
      state: 'done',
      coordinatorName: 'Sam Rivers (CMHT)',
    });
  });

  it('HZ-44 a missed weekly check-in goes to the care coordinator once, never to the acute tiers', async () => {
    const smi = h.app.get(SmiService);
    const alertsBefore = await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM alerts`);
    expect(await smi.checkMissed(new Date(Date.now() + 8 * 86_400_000))).toBe(0);
    const later = new Date(Date.now() + 10 * 86_400_000);
    expect(await smi.checkMissed(later)).toBe(1);
    expect(await smi.checkMissed(later)).toBe(0);
    expect(await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM alerts`)).toEqual(alertsBefore);

    const mine = await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseA);
    expect(mine.body).toEqual([
      expect.objectContaining({
        patientId: h.patientA,
        givenName: 'Ada',
        coordinatorName: 'Sam Rivers (CMHT)',
      }),
    ]);
    expect((await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseB)).body).toEqual([]);
    expect(
      (
        await request(h.url)
          .post(`/api/smi/missed-check-ins/${mine.body[0].id}/acknowledge`)
          .set('Cookie', nurseB)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(h.url)
          .post(`/api/smi/missed-check-ins/${mine.body[0].id}/acknowledge`)
          .set('Cookie', nurseA)
      ).status,
    ).toBe(204);
    expect((await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseA)).body).toEqual([]);
  });
});
