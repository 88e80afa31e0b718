import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import {
  openDatabase,
  PatientAccessRepository,
  PatientsRepository,
  ReportedAnswersRepository,
  SqlDatabase,
} from '../../src/index';

const limits = { idleMs: 30 * 60_000, absoluteMs: 4 * 3_600_000 };

describe('patient access codes on the real PostgreSQL (issue 14)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  const access = new PatientAccessRepository();
  const answers = new ReportedAnswersRepository();
  let patientId: string;
  let patients: PatientsRepository;
  const now = new Date();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    const ward = await patients.createWard('Frailty virtual ward');
    patientId = (
      await patients.admit({
        nhsNumber: '9434765919',
        givenName: 'Ada',
        familyName: 'Lovelace',
        wardId: ward.id,
      })
    ).id;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('stores only a hash of the code, opens a session with it and shows whose record the session is for', async () => {
    const code = await access.issue(sql, {
      patientId,
      code: 'KX7P4MRTQ9',
      label: 'daughter',
      issuedBy: 'nurse-1',
      now,
      expiresAt: new Date(now.getTime() + 7 * 86_400_000),
    });
    const stored = await sql.query<{ code_hash: string }>(`SELECT code_hash FROM patient_access_codes`);
    expect(JSON.stringify(stored)).not.toContain('KX7P4MRTQ9');
    expect(await access.openSession(sql, 'WRONGCODE2', 'tok-0', now, limits)).toBeNull();
    const opened = await access.openSession(sql, 'KX7P4MRTQ9', 'tok-1', now, limits);
    expect(opened).toMatchObject({ patientId });
    const session = await access.touchSession(sql, 'tok-1', now, limits);
    expect(session).toMatchObject({ patientId, codeId: code.id, givenName: 'Ada', reporter: null });
    await access.confirm(sql, session!.sessionId, 'carer', now);
    expect((await access.touchSession(sql, 'tok-1', now, limits))?.reporter).toBe('carer');
  });

  it('HZ-41: a revoked code opens nothing and ends the sessions it opened; an expired code opens nothing', async () => {
    const code = await access.issue(sql, {
      patientId,
      code: 'ABCDEFGH23',
      label: null,
      issuedBy: 'nurse-1',
      now,
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    await access.openSession(sql, 'ABCDEFGH23', 'tok-2', now, limits);
    expect(await access.touchSession(sql, 'tok-2', now, limits)).not.toBeNull();
    expect(await access.revoke(sql, patientId, code.id, 'nurse-2', now)).toBe(true);
    expect(await access.touchSession(sql, 'tok-2', now, limits)).toBeNull();
    expect(await access.openSession(sql, 'ABCDEFGH23', 'tok-3', now, limits)).toBeNull();
    expect(await access.revoke(sql, patientId, code.id, 'nurse-2', now)).toBe(false);

    await access.issue(sql, {
      patientId,
      code: 'ZZZZYYYY22',
      label: null,
      issuedBy: 'nurse-1',
      now: new Date(now.getTime() - 2 * 86_400_000),
      expiresAt: new Date(now.getTime() - 86_400_000),
    });
    expect(await access.openSession(sql, 'ZZZZYYYY22', 'tok-4', now, limits)).toBeNull();
    // A session never outlives its code.
    await access.issue(sql, {
      patientId,
      code: 'SHORTLVD22',
      label: null,
      issuedBy: 'nurse-1',
      now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    await access.openSession(sql, 'SHORTLVD22', 'tok-5', now, limits);
    expect(await access.touchSession(sql, 'tok-5', new Date(now.getTime() + 120_000), limits)).toBeNull();
  });

  it('HZ-41: a discharged patient’s code and sessions stop working', async () => {
    const ward = await patients.createWard('Heart failure virtual ward');
    const p = await patients.admit({
      nhsNumber: '9876543210',
      givenName: 'Bo',
      familyName: 'Smith',
      wardId: ward.id,
    });
    await access.issue(sql, {
      patientId: p.id,
      code: 'DSCHRGD234',
      label: null,
      issuedBy: 'nurse-1',
      now,
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    await access.openSession(sql, 'DSCHRGD234', 'tok-6', now, limits);
    await sql.query(`UPDATE patients SET discharged_at = now() WHERE id = $1`, [p.id]);
    expect(await access.touchSession(sql, 'tok-6', new Date(), limits)).toBeNull();
    expect(await access.openSession(sql, 'DSCHRGD234', 'tok-7', new Date(), limits)).toBeNull();
  });

  it('keeps answered questionnaires with their source and counts them per code', async () => {
    const [code] = await access.listForPatient(sql, patientId);
    await answers.add(sql, {
      patientId,
      questionnaireId: 'general',
      questionnaireVersion: 1,
      source: 'carer-reported',
      enteredBy: `access-code:${code.id}`,
      codeId: code.id,
      answers: { 'new-confusion': 'yes' },
      advice: 'call-ward',
      messageId: globalThis.crypto.randomUUID(),
      observationIds: ['x:0'],
      answeredAt: now,
    });
    expect(await answers.countForCodeSince(sql, code.id, new Date(now.getTime() - 60_000))).toBe(1);
    const [stored] = await answers.listForPatient(sql, patientId);
    expect(stored).toMatchObject({ source: 'carer-reported', answers: { 'new-confusion': 'yes' } });
    await expect(
      sql.query(
        `INSERT INTO reported_answers (patient_id, questionnaire_id, questionnaire_version, source, entered_by, answers,
           advice, message_id, answered_at) VALUES ($1, 'general', 1, 'device', 'x', '{}', 'none', gen_random_uuid(), now())`,
        [patientId],
      ),
    ).rejects.toThrow(/ck_reported_answers_source/);
  });
});
