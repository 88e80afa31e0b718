import request from 'supertest';
import { type Harness, startHarness, validNhsNumber } from '../support/api-harness';
import { storeObservation } from '../support/observations';
import { login } from '../support/session';

describe('patients', () => {
  let h: Harness;
  let nurse: string;
  let clinician: string;

  beforeAll(async () => {
    h = await startHarness();
    nurse = await login(h.url, 'nurse.a');
    clinician = await login(h.url, 'clinician.a');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('admitting with an invalid NHS number is a 400 naming the field and the rule', async () => {
    const res = await request(h.url)
      .post('/api/patients')
      .set('Cookie', clinician)
      .send({ nhsNumber: '9434765918', givenName: 'Ivy', familyName: 'Invalid', wardId: h.wardA })
      .expect(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(res.body.error.fields).toEqual([
      { path: 'nhsNumber', message: expect.stringMatching(/Modulus 11 check digit/) },
    ]);
    expect(res.body.error.message).toMatch(/^nhsNumber: NHS number is not valid/);
  });

  it('reports every failing field at once', async () => {
    const res = await request(h.url)
      .post('/api/patients')
      .set('Cookie', clinician)
      .send({ nhsNumber: '12', givenName: '', wardId: 'ward-a' })
      .expect(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'familyName',
      'givenName',
      'nhsNumber',
      'wardId',
    ]);
  });

  it('admits with a spaced NHS number, stores ten digits, refuses a second admission (409)', async () => {
    const nhs = validNhsNumber(401023213);
    const spaced = `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`;
    const res = await request(h.url)
      .post('/api/patients')
      .set('Cookie', clinician)
      .send({
        nhsNumber: spaced,
        givenName: 'Nia',
        familyName: 'New',
        wardId: h.wardA,
        dateOfBirth: '1950-02-03',
        spo2Scale: 2,
      })
      .expect(201);
    expect(res.body).toMatchObject({
      nhsNumber: nhs,
      spo2Scale: 2,
      wardId: h.wardA,
      latestScore: null,
      devices: [],
    });
    const again = await request(h.url)
      .post('/api/patients')
      .set('Cookie', clinician)
      .send({ nhsNumber: nhs, givenName: 'Nia', familyName: 'New', wardId: h.wardA })
      .expect(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('a clinician sets thresholds and monitoring; the detail shows who set them', async () => {
    await request(h.url)
      .put(`/api/patients/${h.patientA}/thresholds`)
      .set('Cookie', clinician)
      .send([{ parameter: 'spo2', below: 88, note: 'COPD' }])
      .expect(200);
    const res = await request(h.url)
      .put(`/api/patients/${h.patientA}/monitoring`)
      .set('Cookie', clinician)
      .send({
        requiredParameters: ['spo2', 'heartRate'],
        intervalMinutes: 240,
        graceMinutes: 30,
        freshnessMinutes: 360,
      })
      .expect(200);
    expect(res.body.thresholds).toEqual([
      {
        parameter: 'spo2',
        below: 88,
        note: 'COPD',
        setBy: h.users.clinicianA.id,
        // The name alert texts show (the harness gives each user their username as display name).
        setByName: 'clinician.a',
        setAt: expect.any(String),
      },
    ]);
    expect(res.body.monitoring.intervalMinutes).toBe(240);
    const bad = await request(h.url)
      .put(`/api/patients/${h.patientA}/thresholds`)
      .set('Cookie', clinician)
      .send([{ parameter: 'spo2' }])
      .expect(400);
    expect(bad.body.error.message).toMatch(/below or above/);
  });

  it('a manual observation is published to vitals.observations as canonical observations with source manual', async () => {
    const measuredAt = new Date().toISOString();
    const res = await request(h.url)
      .post(`/api/patients/${h.patientA}/observations`)
      .set('Cookie', nurse)
      .send({ respiratoryRate: 22, consciousness: 'C', inspiredOxygen: 'oxygen', measuredAt })
      .expect(202);
    expect(res.body.observationIds).toHaveLength(3);
    const published = h.observed.filter(
      (e) => e.type === 'observation' && res.body.observationIds.includes(e.observation.id),
    );
    expect(published.map((e) => (e.type === 'observation' ? e.observation : null))).toEqual([
      expect.objectContaining({
        patientId: h.patientA,
        parameter: 'respiratoryRate',
        value: 22,
        unit: '/min',
        source: 'manual',
        deviceId: null,
        enteredBy: h.users.nurseA.id,
        measuredAt,
        messageId: res.body.messageId,
      }),
      expect.objectContaining({ parameter: 'consciousness', value: 1, valueCode: 'C', source: 'manual' }),
      expect.objectContaining({
        parameter: 'inspiredOxygen',
        value: 1,
        valueCode: 'oxygen',
        source: 'manual',
      }),
    ]);
  });

  it('refuses an implausible or future manual observation with a specific message', async () => {
    const implausible = await request(h.url)
      .post(`/api/patients/${h.patientA}/observations`)
      .set('Cookie', nurse)
      .send({ respiratoryRate: 200, measuredAt: new Date().toISOString() })
      .expect(400);
    expect(implausible.body.error.fields).toEqual([
      { path: 'respiratoryRate', message: 'Respiration rate must be between 2 and 80' },
    ]);
    const future = await request(h.url)
      .post(`/api/patients/${h.patientA}/observations`)
      .set('Cookie', nurse)
      .send({ heartRate: 80, measuredAt: new Date(Date.now() + 3_600_000).toISOString() })
      .expect(400);
    expect(future.body.error.fields[0].path).toBe('measuredAt');
    const empty = await request(h.url)
      .post(`/api/patients/${h.patientA}/observations`)
      .set('Cookie', nurse)
      .send({ measuredAt: new Date().toISOString() })
      .expect(400);
    expect(empty.body.error.message).toMatch(/at least one of/);
  });

  it('reads stored observations and scores for a time range', async () => {
    const at = new Date(Date.now() - 30 * 60_000);
    await storeObservation(h.db, {
      id: 't-1',
      patientId: h.patientA,
      parameter: 'heartRate',
      value: 95,
      unit: '/min',
      measuredAt: at.toISOString(),
      source: 'manual',
    });
    await h.db.query(
      `INSERT INTO news2_scores (patient_id, scored_at, scorer_version, total, band, partial, missing, red_score,
         per_parameter, spo2_scale, observation_ids)
       VALUES ($1, $2, 'test', 1, 'low', true, '{respiratoryRate}', false, '{"pulse":1}', 1, '{t-1}')`,
      [h.patientA, at],
    );
    const obs = await request(h.url)
      .get(`/api/patients/${h.patientA}/observations?parameter=heartRate`)
      .set('Cookie', nurse)
      .expect(200);
    expect(obs.body).toEqual([
      expect.objectContaining({
        id: 't-1',
        value: 95,
        source: 'manual',
        measuredAt: at.toISOString(),
        retrospective: false,
      }),
    ]);
    const hourly = await request(h.url)
      .get(`/api/patients/${h.patientA}/observations/hourly?parameter=heartRate`)
      .set('Cookie', nurse)
      .expect(200);
    expect(hourly.body).toEqual([expect.objectContaining({ parameter: 'heartRate', avg: 95, readings: 1 })]);
    const scores = await request(h.url)
      .get(`/api/patients/${h.patientA}/scores`)
      .set('Cookie', nurse)
      .expect(200);
    expect(scores.body).toEqual([
      expect.objectContaining({ total: 1, band: 'low', partial: true, id: expect.any(String) }),
    ]);
    const list = await request(h.url).get('/api/patients').set('Cookie', nurse).expect(200);
    const a = list.body.find((p: { id: string }) => p.id === h.patientA);
    expect(a.latestScore).toMatchObject({ total: 1, partial: true, missing: ['respiratoryRate'] });
    expect(a.latestObservations).toEqual([
      { parameter: 'heartRate', value: 95, valueCode: null, unit: '/min', measuredAt: at.toISOString() },
    ]);
    const badRange = await request(h.url)
      .get(`/api/patients/${h.patientA}/observations?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`)
      .set('Cookie', nurse)
      .expect(400);
    expect(badRange.body.error.message).toMatch(/from must be before to/);
  });

  it('an unknown or malformed patient id is a 404', async () => {
    await request(h.url).get('/api/patients/not-a-uuid').set('Cookie', nurse).expect(404);
    await request(h.url)
      .get('/api/patients/00000000-0000-4000-8000-000000000000')
      .set('Cookie', nurse)
      .expect(404);
  });

  it('metrics label route templates, never patient ids or NHS numbers', async () => {
    await request(h.url).get(`/api/patients/${h.patientA}`).set('Cookie', nurse).expect(200);
    const metrics = await request(h.url).get('/metrics').expect(200);
    expect(metrics.text).toContain('route="/api/patients/:id"');
    expect(metrics.text).not.toContain(h.patientA);
    const [{ nhs_number: nhs }] = await h.dataSource.query(`SELECT nhs_number FROM patients WHERE id = $1`, [
      h.patientA,
    ]);
    expect(metrics.text).not.toContain(nhs);
  });
});
