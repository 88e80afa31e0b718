import { PatientsRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';

/** N1 and R9: the SpO2 scale and the oxygen prescription are set by clinicians, with a reason, audited. */
describe('patient clinical settings (N1, R9)', () => {
  let h: Harness;
  let patients: PatientsRepository;
  let clinician: string;
  let nurse: string;
  let admin: string;
  let seed = 610_000_000;

  const admitted = async (): Promise<string> =>
    (
      await patients.admit({
        nhsNumber: validNhsNumber(seed++ * 3),
        givenName: 'Cy',
        familyName: 'Copd',
        wardId: h.wardA,
        spo2Scale: 2,
      })
    ).id;
  const auditRows = (patientId: string) =>
    h.db.query<{ actor: string; action: string; reason: string; detail: unknown }>(
      `SELECT actor, action, reason, detail FROM patient_audit WHERE patient_id = $1 ORDER BY id`,
      [patientId],
    );

  beforeAll(async () => {
    h = await startHarness();
    patients = new PatientsRepository(h.dataSource);
    clinician = await login(h.url, 'clinician.a');
    nurse = await login(h.url, 'nurse.a');
    admin = await login(h.url, 'admin');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('HZ-19 N1 a clinician records an oxygen prescription with a reason: shown on the patient, audited with from and to', async () => {
    const id = await admitted();
    const first = await request(h.url)
      .put(`/api/patients/${id}/oxygen-prescription`)
      .set('Cookie', clinician)
      .send({ onOxygen: true, reason: 'Home oxygen 2 L/min via nasal cannula' })
      .expect(200);
    expect(first.body.oxygenPrescription).toEqual({
      onOxygen: true,
      reason: 'Home oxygen 2 L/min via nasal cannula',
      setBy: h.users.clinicianA.id,
      setAt: expect.any(String),
    });
    await request(h.url)
      .put(`/api/patients/${id}/oxygen-prescription`)
      .set('Cookie', clinician)
      .send({ onOxygen: false, reason: 'Weaned to air after review' })
      .expect(200);

    const read = await request(h.url).get(`/api/patients/${id}`).set('Cookie', nurse).expect(200);
    expect(read.body.oxygenPrescription).toMatchObject({
      onOxygen: false,
      reason: 'Weaned to air after review',
    });
    // The scorer reads the same column: its prescription drives air-or-oxygen on scale 2.
    const [stored] = await h.db.query<{ oxygen_prescription: { onOxygen: boolean; setBy: string } }>(
      `SELECT oxygen_prescription FROM patients WHERE id = $1`,
      [id],
    );
    expect(stored.oxygen_prescription).toMatchObject({ onOxygen: false, setBy: h.users.clinicianA.id });

    expect(await auditRows(id)).toEqual([
      {
        actor: h.users.clinicianA.id,
        action: 'oxygen-prescription-set',
        reason: 'Home oxygen 2 L/min via nasal cannula',
        detail: { from: null, to: { onOxygen: true } },
      },
      {
        actor: h.users.clinicianA.id,
        action: 'oxygen-prescription-set',
        reason: 'Weaned to air after review',
        detail: { from: { onOxygen: true }, to: { onOxygen: false } },
      },
    ]);
  });

  it('HZ-19 N1 R9 a prescription or scale change without a reason is a 400 naming the field, and changes nothing', async () => {
    const id = await admitted();
    const noReason = await request(h.url)
      .put(`/api/patients/${id}/oxygen-prescription`)
      .set('Cookie', clinician)
      .send({ onOxygen: true, reason: '   ' })
      .expect(400);
    expect(noReason.body.error).toMatchObject({
      code: 'validation-failed',
      fields: [{ path: 'reason', message: 'an oxygen prescription needs a reason' }],
    });
    const notBoolean = await request(h.url)
      .put(`/api/patients/${id}/oxygen-prescription`)
      .set('Cookie', clinician)
      .send({ onOxygen: 'yes', reason: 'r' })
      .expect(400);
    expect(notBoolean.body.error.fields[0].path).toBe('onOxygen');
    const scaleNoReason = await request(h.url)
      .put(`/api/patients/${id}/spo2-scale`)
      .set('Cookie', clinician)
      .send({ scale: 1 })
      .expect(400);
    expect(scaleNoReason.body.error.fields).toEqual([
      { path: 'reason', message: 'an SpO2 scale change needs a reason' },
    ]);
    const read = await request(h.url).get(`/api/patients/${id}`).set('Cookie', clinician).expect(200);
    expect(read.body).toMatchObject({ spo2Scale: 2, oxygenPrescription: null });
    expect(await auditRows(id)).toEqual([]);
  });

  it('HZ-19 R9 a scale change records who, why and from/to in patient_audit', async () => {
    const id = await admitted();
    const res = await request(h.url)
      .put(`/api/patients/${id}/spo2-scale`)
      .set('Cookie', clinician)
      .send({ scale: 1, reason: 'ABG normal: not at risk of hypercapnic failure' })
      .expect(200);
    expect(res.body.spo2Scale).toBe(1);
    expect(await auditRows(id)).toEqual([
      {
        actor: h.users.clinicianA.id,
        action: 'spo2-scale-set',
        reason: 'ABG normal: not at risk of hypercapnic failure',
        detail: { from: 2, to: 1 },
      },
    ]);
  });

  it('HZ-19 R9 N1 only clinicians change the scale or the prescription: nurses and admins are refused (403)', async () => {
    const id = await admitted();
    for (const cookie of [nurse, admin]) {
      const scale = await request(h.url)
        .put(`/api/patients/${id}/spo2-scale`)
        .set('Cookie', cookie)
        .send({ scale: 1, reason: 'r' })
        .expect(403);
      expect(scale.body.error.code).toBe('forbidden');
      await request(h.url)
        .put(`/api/patients/${id}/oxygen-prescription`)
        .set('Cookie', cookie)
        .send({ onOxygen: true, reason: 'r' })
        .expect(403);
    }
    expect(await auditRows(id)).toEqual([]);
  });

  it('HZ-19 R9 the change and its audit row commit together: a failed audit insert leaves the scale as it was', async () => {
    const id = await admitted();
    // Make the audit insert fail inside the transaction (as a full disk or a lost connection would).
    await h.db.query(
      `ALTER TABLE patient_audit ADD CONSTRAINT ck_test_no_audit CHECK (action <> 'spo2-scale-set') NOT VALID`,
    );
    try {
      await request(h.url)
        .put(`/api/patients/${id}/spo2-scale`)
        .set('Cookie', clinician)
        .send({ scale: 1, reason: 'should not land' })
        .expect(500);
    } finally {
      await h.db.query(`ALTER TABLE patient_audit DROP CONSTRAINT ck_test_no_audit`);
    }
    const [row] = await h.db.query<{ spo2_scale: number }>(`SELECT spo2_scale FROM patients WHERE id = $1`, [
      id,
    ]);
    expect(Number(row.spo2_scale)).toBe(2);
  });

  it('a discharged patient’s prescription cannot be changed (409)', async () => {
    const id = await admitted();
    await patients.discharge(id);
    const res = await request(h.url)
      .put(`/api/patients/${id}/oxygen-prescription`)
      .set('Cookie', clinician)
      .send({ onOxygen: true, reason: 'r' })
      .expect(409);
    expect(res.body.error.message).toBe('patient is discharged');
  });
});
