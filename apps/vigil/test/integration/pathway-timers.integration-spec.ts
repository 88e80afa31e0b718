/**
 * Issue 13 acceptance for schedules and tiers through the real scorer and PostgreSQL with a fake clock:
 * an overdue reading alerts and escalates tier by tier; NEWS2 ≥ 5 tightens the schedule; a heart-failure
 * weight gain alerts. The plan goes in as the api stores it (PathwaysRepository + monitoringOf).
 */
import type { DataSource } from 'typeorm';
import { nhsNumberCheckDigit } from '@vigil/clinical';
import type { CanonicalObservation, Parameter, VitalsStreamEvent } from '@vigil/contracts';
import { applyTemplate, monitoringOf, PATHWAY_TEMPLATES, type PathwayId } from '@vigil/pathways';
import { ScorerService } from '@vigil/scorer';
import {
  AlertsRepository,
  openDatabase,
  PathwaysRepository,
  PatientsRepository,
  SqlDatabase,
} from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const MIN = 60_000;

let nhsSeed = 310000000;
function nextNhsNumber(): string {
  for (;;) {
    const nine = String(nhsSeed++);
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

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
    deviceId: coded ? null : `dev-${patientId.slice(0, 8)}`,
    parameter,
    value: coded ? 0 : value,
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

describe('pathway schedules and tiers through the scorer (fake clock, real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let patients: PatientsRepository;
  let wardId: string;
  const plans = new PathwaysRepository();
  const alerts = new AlertsRepository();
  let now = T0;
  let scorer: ScorerService;

  async function admitOn(templateId: PathwayId): Promise<string> {
    const p = await patients.admit({
      nhsNumber: nextNhsNumber(),
      givenName: 'Pat',
      familyName: 'Hway',
      wardId,
    });
    await sql.query(`UPDATE patients SET admitted_at = $2 WHERE id = $1`, [p.id, new Date(T0)]);
    const plan = applyTemplate(PATHWAY_TEMPLATES[templateId]);
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

  const at = (minutes: number) => T0 + minutes * MIN;
  const batch = async (events: VitalsStreamEvent[], minutes: number) => {
    now = at(minutes);
    await scorer.handleBatch(events);
  };
  const timers = async (minutes: number) => {
    now = at(minutes);
    await scorer.runTimers();
  };
  const openOf = async (patientId: string, ruleId: string) =>
    (await alerts.listForPatient(sql, patientId)).filter(
      (a) => a.ruleId === ruleId && a.state !== 'resolved',
    );

  beforeAll(async () => {
    db = await createTestDatabase('vigil_pathway_timers');
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Pathway ward')).id;
    scorer = new ScorerService(sql, async () => undefined, { clock: () => new Date(now) });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('HZ-30 HZ-33 an overdue reading alerts, then re-escalates nurse → clinician → CCC when no one acts', async () => {
    const id = await admitOn('ari');
    const set = (m: number, over: Partial<Record<Parameter, number | string>> = {}) =>
      Object.entries({
        spo2: 97,
        heartRate: 72,
        respiratoryRate: 16,
        temperature: 37,
        systolicBp: 125,
        ...over,
      }).map(([p, v]) => reading(id, p as Parameter, v, at(m)));
    await batch(set(0), 0);
    await timers(270);
    expect(await openOf(id, 'overdue-reading')).toEqual([]);
    await timers(272);
    const [overdue] = await openOf(id, 'overdue-reading');
    expect(overdue).toMatchObject({ tier: 'ward-nurse', state: 'open' });
    await timers(272 + 30);
    expect((await openOf(id, 'overdue-reading'))[0]).toMatchObject({
      tier: 'ward-clinician',
      state: 'escalated',
    });
    await timers(272 + 60);
    expect((await openOf(id, 'overdue-reading'))[0]).toMatchObject({ tier: 'ccc', state: 'escalated' });
    const audit = await alerts.listAudit(sql, overdue.id);
    expect(audit.filter((a) => a.action === 're-escalated').map((a) => a.detail?.['toTier'])).toEqual([
      'ward-clinician',
      'ccc',
    ]);
  });

  it('HZ-31 NEWS2 ≥ 5 tightens the schedule (overdue after 75 minutes, not 4.5 hours)', async () => {
    const calm = await admitOn('ari');
    const sick = await admitOn('ari');
    const set = (id: string, m: number, over: Partial<Record<Parameter, number | string>> = {}) =>
      Object.entries({
        spo2: 97,
        heartRate: 72,
        respiratoryRate: 16,
        temperature: 37,
        systolicBp: 125,
        inspiredOxygen: 'air',
        consciousness: 'A',
        ...over,
      }).map(([p, v]) => reading(id, p as Parameter, v, at(m)));
    await batch(set(calm, 0), 0);
    // NEWS2 5: RR 21 (2), SpO2 95 (1), pulse 95 (1), temperature 38.5 (1).
    await batch(set(sick, 0, { respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5 }), 0);
    await timers(80);
    expect(await openOf(calm, 'overdue-reading')).toEqual([]);
    const [tight] = await openOf(sick, 'overdue-reading');
    expect(tight.reason).toMatch(/tightened: NEWS2 5 or more/);
  });

  it('HZ-35 a heart-failure patient’s weight gain of 2 kg within 3 days opens a weight-gain alert', async () => {
    const id = await admitOn('heart-failure');
    await batch([reading(id, 'bodyWeight', 80.2, at(0))], 0);
    await batch([reading(id, 'bodyWeight', 81.0, at(24 * 60))], 24 * 60);
    expect(await openOf(id, 'weight-gain')).toEqual([]);
    await batch([reading(id, 'bodyWeight', 82.3, at(48 * 60))], 48 * 60);
    const [gain] = await openOf(id, 'weight-gain');
    expect(gain).toMatchObject({ severity: 'medium', tier: 'ward-nurse' });
    expect(gain.reason).toMatch(/Weight up 2\.1 kg in 48 hours/);
  });
});
