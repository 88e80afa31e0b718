import type { SmiEvent } from '@vigil/contracts';
import request from 'supertest';
import { SmiService } from '../../src/smi/smi.service';
import { startHarness, type Harness } from '../support/api-harness';
import { login } from '../support/session';
import { connectSocket } from '../support/sockets';

/** Resolves once `list` holds an event `match` accepts (sockets push; nothing polls). */
function eventually(list: SmiEvent[], match: (e: SmiEvent) => boolean): Promise<SmiEvent> {
  return new Promise((resolve) => {
    const check = () => {
      const found = list.find(match);
      if (found) resolve(found);
      else setTimeout(check, 20);
    };
    check();
  });
}

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

  it('HZ-66 the coordinator records a contact: "no answer" keeps it open and shown as the last contact, reaching them closes it; both audited and pushed live', async () => {
    const smi = h.app.get(SmiService);
    const nurseSocket = await connectSocket(h.url, { cookie: nurseA, origin: h.origin });
    const otherSocket = await connectSocket(h.url, { cookie: nurseB, origin: h.origin });
    const seen: SmiEvent[] = [];
    const elsewhere: SmiEvent[] = [];
    nurseSocket.socket.on('smi', (e: SmiEvent) => seen.push(e));
    otherSocket.socket.on('smi', (e: SmiEvent) => elsewhere.push(e));
    try {
      // Still no check-in: the one due three weeks on is missed too, once its grace has passed.
      expect(await smi.checkMissed(new Date(Date.now() + 22 * 86_400_000))).toBe(0);
      expect(await smi.checkMissed(new Date(Date.now() + 24 * 86_400_000))).toBe(1);
      const missedEvent = await eventually(seen, (e) => e.type === 'smi.missed');
      expect(missedEvent).toMatchObject({ patientId: h.patientA });
      const [open] = (await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseA)).body;
      expect(open).toMatchObject({
        id: missedEvent.missedCheckInId,
        coordinatorContact: '01632 960 001',
        mine: false,
        lastContact: null,
      });
      expect(Date.parse(open.missedAt) - Date.parse(open.dueAt)).toBe(48 * 3_600_000);

      const url = `/api/smi/missed-check-ins/${open.id}/contacts`;
      const bad = await request(h.url).post(url).set('Cookie', nurseA).send({ outcome: 'maybe' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain('outcome');
      expect(
        (await request(h.url).post(url).set('Cookie', nurseB).send({ outcome: 'checked-in' })).status,
      ).toBe(404);

      const tried = await request(h.url)
        .post(url)
        .set('Cookie', nurseA)
        .send({ outcome: 'no-answer', note: 'Rang twice, voicemail left' });
      expect(tried.status).toBe(201);
      expect(tried.body).toEqual({ closed: false });
      const [still] = (await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseA)).body;
      expect(still.id).toBe(open.id);
      expect(still.lastContact).toMatchObject({ outcome: 'no-answer', note: 'Rang twice, voicemail left' });

      const reached = await request(h.url)
        .post(url)
        .set('Cookie', nurseA)
        .send({ outcome: 'checked-in', note: 'Spoke to Ada; BP and weight taken by phone' });
      expect(reached.body).toEqual({ closed: true });
      expect((await request(h.url).get('/api/smi/missed-check-ins').set('Cookie', nurseA)).body).toEqual([]);
      expect(
        (await request(h.url).post(url).set('Cookie', nurseA).send({ outcome: 'checked-in' })).status,
      ).toBe(404);

      const audit = await h.db.query<{ action: string; reason: string; detail: { outcome: string } }>(
        `SELECT action, reason, detail FROM patient_audit WHERE patient_id = $1 AND action = 'smi-contact-recorded'
          ORDER BY at, id`,
        [h.patientA],
      );
      expect(audit.map((a) => [a.detail.outcome, a.reason])).toEqual([
        ['no-answer', 'Rang twice, voicemail left'],
        ['checked-in', 'Spoke to Ada; BP and weight taken by phone'],
      ]);
      await eventually(seen, (e) => e.type === 'smi.contact');
      // Another ward's nurse is told nothing.
      expect(elsewhere).toEqual([]);
    } finally {
      nurseSocket.socket.close();
      otherSocket.socket.close();
    }
  });
});
