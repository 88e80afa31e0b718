import { type AlertEvent, alertEventSchema, streamTopics } from '@vigil/contracts';
import { PatientsRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, seenOf, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';

/**
 * R14: a patient cannot be discharged with open alerts unless each is resolved or handed over. Issue 13: there
 * is one discharge, the pathway discharge (outcome, device return, FHIR summary); the old POST …/discharge is gone.
 */
const STAY = { outcome: 'recovered-at-home', deviceReturn: 'returned' } as const;
describe('discharge with unresolved alerts (R14)', () => {
  let h: Harness;
  let patients: PatientsRepository;
  let clinician: string;
  let nurse: string;
  const published: AlertEvent[] = [];
  let seed = 720_000_000;

  const admitted = async (): Promise<string> =>
    (
      await patients.admit({
        nhsNumber: validNhsNumber(seed++ * 3),
        givenName: 'Di',
        familyName: 'Discharge',
        wardId: h.wardA,
      })
    ).id;
  const stateOf = async (patientId: string) =>
    h.db.query<{ id: string; state: string; resolved_by: string | null; resolution_note: string | null }>(
      `SELECT id, state, resolved_by, resolution_note FROM alerts WHERE patient_id = $1 ORDER BY opened_at, id`,
      [patientId],
    );
  const dischargedAt = async (patientId: string) =>
    (
      await h.db.query<{ discharged_at: Date | null }>(`SELECT discharged_at FROM patients WHERE id = $1`, [
        patientId,
      ])
    )[0]!.discharged_at;

  beforeAll(async () => {
    h = await startHarness();
    patients = new PatientsRepository(h.dataSource);
    clinician = await login(h.url, 'clinician.a');
    nurse = await login(h.url, 'nurse.a');
    await h.stream.subscribe<AlertEvent>({
      topic: streamTopics.alerts,
      groupId: 'test-discharge-capture',
      decode: (v) => alertEventSchema.parse(v),
      handle: async (batch) => {
        for (const r of batch.records) published.push(r.value);
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('HZ-24 R14 refuses (409) while alerts are unresolved, naming each, and changes nothing', async () => {
    const id = await admitted();
    const fall = await h.openAlert(id, h.wardA, 'fall', 'critical');
    const deterioration = await h.openAlert(id, h.wardA, 'deterioration', 'medium');
    await request(h.url)
      .post(`/api/alerts/${deterioration.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenOf(deterioration) })
      .expect(200);

    const res = await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send(STAY)
      .expect(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.message).toMatch(/^cannot discharge: 2 alerts are unresolved \(/);
    expect(res.body.error.message).toContain('critical fall alert, open');
    expect(res.body.error.message).toContain('medium deterioration alert, acknowledged');
    expect(res.body.error.message).toMatch(/handoverNote/);
    expect(await dischargedAt(id)).toBeNull();
    expect((await stateOf(id)).map((a) => a.state).sort()).toEqual(['acknowledged', 'open']);
    expect(fall.id).toBeDefined();
  });

  it('HZ-24 R14 with a handover note: each unresolved alert is resolved by the discharging user, audited and published, with the discharge', async () => {
    const id = await admitted();
    const fall = await h.openAlert(id, h.wardA, 'fall', 'critical');
    const deterioration = await h.openAlert(id, h.wardA, 'deterioration', 'medium');
    const before = published.length;

    await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send({ ...STAY, handoverNote: ' District nurses to visit tomorrow; GP letter sent ' })
      .expect(201);

    expect(await dischargedAt(id)).not.toBeNull();
    const note = 'Handed over at discharge: District nurses to visit tomorrow; GP letter sent';
    expect(await stateOf(id)).toEqual(
      expect.arrayContaining([
        { id: fall.id, state: 'resolved', resolved_by: h.users.clinicianA.id, resolution_note: note },
        {
          id: deterioration.id,
          state: 'resolved',
          resolved_by: h.users.clinicianA.id,
          resolution_note: note,
        },
      ]),
    );
    const audit = await h.db.query<{ alert_id: string; actor: string; action: string; to_state: string }>(
      `SELECT alert_id, actor, action, to_state FROM alert_audit WHERE alert_id = ANY($1::uuid[])`,
      [[fall.id, deterioration.id]],
    );
    expect(audit).toHaveLength(2);
    for (const row of audit) {
      expect(row).toMatchObject({ actor: h.users.clinicianA.id, action: 'resolved', to_state: 'resolved' });
    }
    const events = published.slice(before).filter((e) => e.alert.patientId === id);
    expect(events.map((e) => [e.type, e.alert.id, e.actor]).sort()).toEqual(
      [
        ['alert.resolved', fall.id, h.users.clinicianA.id],
        ['alert.resolved', deterioration.id, h.users.clinicianA.id],
      ].sort(),
    );
    for (const e of events) expect(e.alert.resolutionNote).toBe(note);
    // The events were written to the outbox with the change, then marked published.
    const outbox = await h.db.query<{ type: string; published: boolean }>(
      `SELECT event->>'type' AS type, published_at IS NOT NULL AS published FROM alert_outbox
       WHERE event->'alert'->>'patientId' = $1`,
      [id],
    );
    expect(outbox).toEqual([
      { type: 'alert.resolved', published: true },
      { type: 'alert.resolved', published: true },
    ]);
  });

  it('HZ-24 R14 the handover and the discharge are one transaction: if the discharge fails, no alert is resolved', async () => {
    const id = await admitted();
    const alert = await h.openAlert(id, h.wardA, 'deterioration', 'high');
    // Make the patient update fail: it runs after the alerts were resolved in the same transaction.
    await h.db.query(`CREATE FUNCTION test_refuse_discharge_fn() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await h.db.query(`CREATE TRIGGER test_refuse_discharge BEFORE UPDATE OF discharged_at ON patients
      FOR EACH ROW WHEN (NEW.discharged_at IS NOT NULL) EXECUTE FUNCTION test_refuse_discharge_fn()`);
    try {
      await request(h.url)
        .post(`/api/patients/${id}/pathway-discharge`)
        .set('Cookie', clinician)
        .send({ ...STAY, handoverNote: 'should roll back' })
        .expect(500);
    } finally {
      await h.db.query(`DROP TRIGGER test_refuse_discharge ON patients`);
      await h.db.query(`DROP FUNCTION test_refuse_discharge_fn()`);
    }
    expect(await dischargedAt(id)).toBeNull();
    expect(await stateOf(id)).toEqual([
      { id: alert.id, state: 'open', resolved_by: null, resolution_note: null },
    ]);
    const [{ n }] = await h.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM alert_audit WHERE alert_id = $1`,
      [alert.id],
    );
    expect(Number(n)).toBe(0);
    const outbox = await h.db.query(`SELECT id FROM alert_outbox WHERE event->'alert'->>'patientId' = $1`, [
      id,
    ]);
    expect(outbox).toEqual([]);
  });

  it('the old POST /patients/:id/discharge is gone: one discharge path', async () => {
    const id = await admitted();
    await request(h.url).post(`/api/patients/${id}/discharge`).set('Cookie', clinician).send({}).expect(404);
    expect(await dischargedAt(id)).toBeNull();
  });

  it('HZ-24 R14 a patient whose alerts are all resolved is discharged without a note; a blank note is a 400', async () => {
    const id = await admitted();
    const alert = await h.openAlert(id, h.wardA, 'deterioration', 'medium');
    const blank = await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send({ ...STAY, handoverNote: '   ' })
      .expect(400);
    expect(blank.body.error.fields).toEqual([
      { path: 'handoverNote', message: 'a handover note cannot be blank' },
    ]);
    await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'Reviewed, stable', outcome: 'no-action', seen: seenOf(alert) })
      .expect(200);
    await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send(STAY)
      .expect(201);
    expect(await dischargedAt(id)).not.toBeNull();
    const again = await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send(STAY)
      .expect(409);
    expect(again.body.error.message).toBe('patient is already discharged');
  });
});
