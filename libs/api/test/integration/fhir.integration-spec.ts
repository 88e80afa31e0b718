import { DeviceRegistryRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, startHarness } from '../support/api-harness';
import { storeObservation } from '../support/observations';
import { login } from '../support/session';

interface Entry {
  fullUrl: string;
  resource: { resourceType: string; [k: string]: unknown };
}

describe('GET /api/fhir/Patient/:id/$everything', () => {
  let h: Harness;
  let clinician: string;

  beforeAll(async () => {
    h = await startHarness();
    clinician = await login(h.url, 'clinician.a');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('exports the patient, readings with their device, NEWS2 scores and alerts as one FHIR Bundle', async () => {
    const registry = new DeviceRegistryRepository(h.dataSource);
    const { device } = await registry.provision({ kind: 'pulse-oximeter', id: 'ox-fhir-1' });
    await registry.bind({
      deviceId: device.id,
      patientId: h.patientA,
      from: new Date(Date.now() - 3_600_000),
    });
    const at = new Date();
    await storeObservation(h.db, {
      id: 'ox-fhir-1:1:0',
      patientId: h.patientA,
      deviceId: 'ox-fhir-1',
      parameter: 'spo2',
      value: 93,
      unit: '%',
      mdc: 'MDC_PULS_OXIM_SAT_O2',
      measuredAt: at.toISOString(),
      seq: 1,
    });
    await h.db.query(
      `INSERT INTO news2_scores (patient_id, scored_at, scorer_version, total, band, partial, missing, red_score,
         per_parameter, spo2_scale, observation_ids)
       VALUES ($1, $2, 'test', 2, 'low', true, '{respiratoryRate}', false, '{"spo2":2}', 1, '{ox-fhir-1:1:0}')`,
      [h.patientA, at],
    );
    const alert = await h.openAlert(h.patientA, h.wardA, 'personal-threshold', 'medium');
    const nurse = await login(h.url, 'nurse.a');
    await request(h.url)
      .post(`/api/alerts/${alert.id}/escalate`)
      .set('Cookie', nurse)
      .send({ reason: 'SpO2 under personal threshold', destination: 'ccc' })
      .expect(200);

    const res = await request(h.url)
      .get(`/api/fhir/Patient/${h.patientA}/$everything`)
      .set('Cookie', clinician)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = res.body as { resourceType: string; type: string; entry: Entry[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const byType = (t: string) =>
      bundle.entry.filter((e) => e.resource.resourceType === t).map((e) => e.resource);
    const [patient] = byType('Patient');
    expect(patient.identifier).toEqual([
      expect.objectContaining({
        system: 'https://fhir.nhs.uk/Id/nhs-number',
        value: expect.stringMatching(/^\d{10}$/),
      }),
    ]);
    expect(byType('Device').map((d) => d.identifier)).toEqual([
      [expect.objectContaining({ value: 'ox-fhir-1' })],
    ]);
    const observations = byType('Observation');
    expect(JSON.stringify(observations)).toContain('59408-5');
    expect(JSON.stringify(observations)).toContain('1104051000000101');
    expect(byType('Flag')).toHaveLength(1);
    expect(byType('Communication')).toHaveLength(1);
    // Every literal reference resolves inside the bundle.
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    const refs = JSON.stringify(bundle).match(/"reference":"urn:uuid:[^"]+"/g) ?? [];
    for (const r of refs) expect(urls.has(r.slice('"reference":"'.length, -1))).toBe(true);
  });

  it('a clinician of another ward cannot export the patient', async () => {
    await request(h.url)
      .get(`/api/fhir/Patient/${h.patientB}/$everything`)
      .set('Cookie', clinician)
      .expect(404);
  });
});
