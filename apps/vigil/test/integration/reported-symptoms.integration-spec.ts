/**
 * Issue 14: breathlessness and chest pain a patient or carer reports raise the patient's one clinical alert,
 * through the real scorer and PostgreSQL with a fake clock. The answers go the way the patient page sends
 * them: validated by @vigil/questionnaires, turned into canonical observations by the api's
 * `reportedObservationEvents`, then scored by the scorer (never by the api).
 */
import type { DataSource } from 'typeorm';
import { nhsNumberCheckDigit } from '@vigil/clinical';
import type { CanonicalObservation, Parameter, VitalsStreamEvent } from '@vigil/contracts';
import { reportedObservationEvents } from '@vigil/api';
import { applyTemplate, monitoringOf, PATHWAY_TEMPLATES } from '@vigil/pathways';
import { parseAnswers, questionnaireFor, reportedValues } from '@vigil/questionnaires';
import { ScorerService } from '@vigil/scorer';
import {
  AlertsRepository,
  openDatabase,
  PathwaysRepository,
  PatientsRepository,
  SqlDatabase,
} from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';

const T0 = Date.parse('2026-12-02T08:00:00Z');
const MIN = 60_000;

let nhsSeed = 320000000;
function nextNhsNumber(): string {
  for (;;) {
    const nine = String(nhsSeed++);
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

/** A device reading (numbers) or a nurse's coded entry, as ingest or the api would publish it. */
function reading(
  patientId: string,
  parameter: Parameter,
  value: number | string,
  at: number,
): VitalsStreamEvent {
  const coded = typeof value === 'string';
  const measuredAt = new Date(at).toISOString();
  const o: CanonicalObservation = {
    id: `${patientId}:${parameter}:${at}`,
    patientId,
    deviceId: coded ? null : `dev-${patientId.slice(0, 8)}-${parameter}`,
    parameter,
    value: coded ? (value === 'oxygen' ? 1 : 0) : value,
    valueCode: coded ? value : null,
    unit: '1',
    loinc: null,
    mdc: null,
    original: null,
    measuredAt,
    receivedAt: measuredAt,
    source: coded ? 'manual' : 'json',
    messageId: `${patientId}:${parameter}:${at}`,
    seq: null,
    detail: null,
    enteredBy: coded ? 'nurse-1' : null,
  };
  return { type: 'observation', observation: o };
}

describe('reported breathlessness and chest pain alert through the scorer (fake clock, real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let patients: PatientsRepository;
  let wardId: string;
  const plans = new PathwaysRepository();
  const alerts = new AlertsRepository();
  let now = T0;
  let scorer: ScorerService;

  const at = (minutes: number) => T0 + minutes * MIN;

  async function admitOnAri(): Promise<string> {
    const p = await patients.admit({
      nhsNumber: nextNhsNumber(),
      givenName: 'Rhi',
      familyName: 'Port',
      wardId,
    });
    await sql.query(`UPDATE patients SET admitted_at = $2, pathway = $3 WHERE id = $1`, [
      p.id,
      new Date(T0),
      'acute-respiratory-infection',
    ]);
    const plan = applyTemplate(PATHWAY_TEMPLATES.ari);
    await sql.transaction((tx) =>
      plans.savePlan(tx, p.id, plan, monitoringOf(plan), [], {
        action: 'applied',
        by: 'dr-1',
        at: new Date(T0).toISOString(),
        reason: 'test admission',
        changes: {},
      }),
    );
    return p.id;
  }

  /** A complete NEWS2 set (0 unless overridden) at `minutes`. */
  const vitals = (id: string, minutes: number, over: Partial<Record<Parameter, number | string>> = {}) =>
    Object.entries({
      respiratoryRate: 16,
      spo2: 97,
      inspiredOxygen: 'air',
      systolicBp: 125,
      heartRate: 72,
      consciousness: 'A',
      temperature: 37,
      ...over,
    }).map(([p, v]) => reading(id, p as Parameter, v, at(minutes)));

  /** A carer's answers to the ARI check-in at `minutes`, as the patient page publishes them. */
  function carerAnswers(id: string, minutes: number, over: Record<string, string>, messageId: string) {
    const q = questionnaireFor('acute-respiratory-infection');
    const raw = Object.fromEntries(q.questions.map((x) => [x.id, 'no']));
    const parsed = parseAnswers(q, { ...raw, ...over });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return reportedObservationEvents({
      values: reportedValues(q, parsed.answers),
      patientId: id,
      source: 'carer-reported',
      enteredBy: 'access-code:test',
      messageId,
      measuredAt: new Date(at(minutes)),
      receivedAt: new Date(at(minutes)),
    });
  }

  const batch = async (events: VitalsStreamEvent[], minutes: number) => {
    now = at(minutes);
    return scorer.handleBatch(events);
  };
  const clinical = async (patientId: string) =>
    (await alerts.listForPatient(sql, patientId)).filter(
      (a) => a.kind === 'clinical' && a.state !== 'resolved',
    );

  beforeAll(async () => {
    db = await createTestDatabase('vigil_reported_symptoms');
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Reported symptoms ward')).id;
    scorer = new ScorerService(sql, async () => undefined, { clock: () => new Date(now) });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('HZ-65 a carer reports chest pain: the one clinical alert opens high at the plan’s CCC tier, timed when they answered; NEWS2 5 later joins it as a second reason', async () => {
    const id = await admitOnAri();
    await batch(vitals(id, 0), 1);
    expect(await clinical(id)).toEqual([]);

    // Answered at minute 10, scored at minute 12 (transport): event time is the answer's.
    const published = await batch(carerAnswers(id, 10, { 'chest-pain': 'yes' }, 'm-pain'), 12);
    const [alert, ...others] = await clinical(id);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      ruleId: 'deterioration',
      severity: 'high',
      tier: 'ccc',
      triggeringParameters: ['chestPain'],
      lastObservationAt: new Date(at(10)),
    });
    expect(alert.escalatedAt).toEqual(new Date(at(12)));
    expect(alert.reasons.map((r) => r.ruleId)).toEqual(['reported-symptom']);
    expect(alert.reason).toMatch(/Chest pain or tightness now, reported by a carer/);
    expect(published.filter((e) => e.type === 'alert.opened')).toHaveLength(1);

    const stored = await sql.query<{ parameter: string; value_code: string; source: string }>(
      `SELECT parameter, value_code, source FROM observations WHERE patient_id = $1 AND id LIKE 'reported:m-pain:%'
        ORDER BY parameter`,
      [id],
    );
    expect(stored.map((r) => [r.parameter, r.value_code, r.source])).toEqual([
      ['breathlessness', 'usual', 'carer-reported'],
      ['chestPain', 'present', 'carer-reported'],
      ['consciousness', 'A', 'carer-reported'],
      ['inspiredOxygen', 'air', 'carer-reported'],
    ]);

    // The same answers published again (a retried publish) change nothing.
    await batch(carerAnswers(id, 10, { 'chest-pain': 'yes' }, 'm-pain'), 13);
    expect(await clinical(id)).toHaveLength(1);

    await batch(vitals(id, 20, { respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5 }), 21);
    const [both, ...more] = await clinical(id);
    expect(more).toEqual([]);
    expect(both.id).toBe(alert.id);
    expect(both.severity).toBe('high');
    expect(both.news2Total).toBe(5);
    expect(both.reasons.map((r) => r.ruleId)).toEqual(['reported-symptom', 'news2-band']);
  });

  it('HZ-65 more out of breath than usual opens a medium alert at the nurse tier; breathless at rest makes it high', async () => {
    const id = await admitOnAri();
    await batch(vitals(id, 0), 1);
    await batch(carerAnswers(id, 30, { breathless: 'yes' }, 'm-breath-1'), 31);
    const [worse] = await clinical(id);
    expect(worse).toMatchObject({ severity: 'medium', tier: 'ward-nurse', state: 'open' });
    expect(worse.reason).toMatch(/More out of breath than usual, reported by a carer/);

    await batch(carerAnswers(id, 60, { breathless: 'yes', 'breathless-at-rest': 'yes' }, 'm-breath-2'), 61);
    const [atRest, ...others] = await clinical(id);
    expect(others).toEqual([]);
    expect(atRest.id).toBe(worse.id);
    expect(atRest).toMatchObject({ severity: 'high', triggeringParameters: ['breathlessness'] });
    expect(atRest.reason).toMatch(/Breathless at rest/);
  });

  it('HZ-65 "no" to both changes nothing for a patient who is well', async () => {
    const id = await admitOnAri();
    await batch(vitals(id, 0), 1);
    await batch(carerAnswers(id, 5, {}, 'm-well'), 6);
    expect(await clinical(id)).toEqual([]);
  });
});
