import type { DataSource } from 'typeorm';
import { nhsNumberCheckDigit } from '@vigil/clinical';
import {
  type AlertEvent,
  type AlertsStreamEvent,
  expandVitalsEvent,
  observationEvents,
  type Parameter,
  type ScoreEvent,
  type VitalsStreamEvent,
} from '@vigil/contracts';
import { type AlertActionInput, applyAlertAction, DEFAULT_ALERTING_POLICY } from '@vigil/alerting';
import {
  AlertsRepository,
  DeviceRegistryRepository,
  openDatabase,
  type PatientEntity,
  PatientsRepository,
  type PersonalThreshold,
  SqlDatabase,
} from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { ScorerService } from '../../src/index';
import { observation } from '../support/observation';

const T0 = Date.parse('2026-11-25T06:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

type Vitals = Partial<Record<Parameter, number | string>>;

let nhsSeed = 100000000;
function nextNhsNumber(): string {
  for (;;) {
    const nine = String(nhsSeed++);
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

function vitals(patientId: string, at: number, v: Vitals, receivedAt = at): VitalsStreamEvent[] {
  return Object.entries(v).map(([p, value]) =>
    observation(patientId, p as Parameter, value as number | string, at, receivedAt),
  );
}

/** A complete NEWS2 set scoring 0 on scale 1. */
const NORMAL: Vitals = {
  respiratoryRate: 16,
  spo2: 97,
  inspiredOxygen: 'air',
  systolicBp: 125,
  heartRate: 72,
  consciousness: 'A',
  temperature: 37,
};

const alertEvents = (events: readonly AlertsStreamEvent[]): AlertEvent[] =>
  events.filter((e): e is AlertEvent => e.type.startsWith('alert.'));

describe('scorer on the real PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let patients: PatientsRepository;
  let wardId: string;
  const alerts = new AlertsRepository();
  let now = T0;
  let published: AlertsStreamEvent[] = [];
  let scorer: ScorerService;

  async function admit(
    opts: { spo2Scale?: 1 | 2; thresholds?: Omit<PersonalThreshold, 'setBy' | 'setAt'>[] } = {},
  ): Promise<PatientEntity> {
    const p = await patients.admit({
      nhsNumber: nextNhsNumber(),
      givenName: 'Test',
      familyName: 'Patient',
      wardId,
      spo2Scale: opts.spo2Scale,
    });
    if (opts.thresholds) {
      await patients.setThresholds(
        p.id,
        opts.thresholds.map((t) => ({
          ...t,
          setBy: 'dr-copd',
          setByName: 'Dr Copd',
          setAt: new Date(T0).toISOString(),
        })),
      );
    }
    return p;
  }

  /** A person's action, as the api takes it: locked, decided by @vigil/alerting, saved with its audit row. */
  async function act(alertId: string, input: AlertActionInput, userId = 'nurse-1') {
    return sql.transaction(async (tx) => {
      const before = await alerts.lockById(tx, alertId);
      if (!before) throw new Error('no such alert');
      const change = applyAlertAction(
        before,
        input,
        { userId, role: 'nurse' },
        new Date(now),
        DEFAULT_ALERTING_POLICY,
      );
      await alerts.save(tx, [change.record]);
      await alerts.audit(tx, [change.audit]);
      return change.event;
    });
  }

  /** One stream batch, processed with the clock at `at` (event time plus a minute of transport). */
  async function batch(events: VitalsStreamEvent[], at: number): Promise<AlertsStreamEvent[]> {
    now = at + MIN;
    return scorer.handleBatch(events);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Scorer ward')).id;
  });

  beforeEach(() => {
    published = [];
    scorer = new ScorerService(
      sql,
      async (events) => {
        published.push(...events);
      },
      { clock: () => new Date(now) },
    );
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('a patient deteriorating from NEWS2 2 to 8 over six hours gets one clinical alert whose reasons and severity follow the score', async () => {
    const p = await admit();
    const hours: Vitals[] = [
      { ...NORMAL, heartRate: 95, temperature: 38.5 }, // 2
      { ...NORMAL, spo2: 95, heartRate: 95, temperature: 38.5 }, // 3
      { ...NORMAL, respiratoryRate: 21, heartRate: 95, temperature: 38.5 }, // 4
      { ...NORMAL, respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5 }, // 5 medium
      { ...NORMAL, respiratoryRate: 21, spo2: 95, heartRate: 112, temperature: 38.5 }, // 6 medium
      { ...NORMAL, respiratoryRate: 21, spo2: 93, heartRate: 112, temperature: 38.5 }, // 7 high
      { ...NORMAL, respiratoryRate: 25, spo2: 93, heartRate: 112, temperature: 38.5 }, // 8 high, RR scores 3
    ];
    for (const [i, v] of hours.entries()) await batch(vitals(p.id, T0 + i * HOUR, v), T0 + i * HOUR);

    const scores = published.filter((e): e is ScoreEvent => e.type === 'score.updated');
    expect(scores.map((s) => s.score.total)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(scores.every((s) => !s.score.partial && !s.score.retrospective)).toBe(true);

    const stored = await alerts.listForPatient(sql, p.id);
    expect(stored.map((a) => [a.ruleId, a.severity, a.state, a.news2Total])).toEqual([
      ['deterioration', 'high', 'open', 8],
    ]);
    expect(stored[0].reasons.map((r) => r.ruleId)).toEqual(['news2-band', 'news2-red-score']);
    const events = alertEvents(published);
    expect(new Set(events.map((e) => e.alert.id)).size).toBe(1);
    expect(events.map((e) => [e.type, e.alert.news2Total, e.alert.band, e.alert.severity])).toEqual([
      ['alert.opened', 5, 'medium', 'medium'],
      ['alert.updated', 6, 'medium', 'medium'],
      ['alert.updated', 7, 'high', 'high'],
      ['alert.updated', 8, 'high', 'high'],
    ]);
    expect(events[0].alert.reason).toMatch(/NEWS2 5 \(medium band\).*RCP NEWS2 2017/);
    // R6: NEWS2 7 reaches the CCC the moment it happens, still unacknowledged for the nurse.
    expect(events[2].alert).toMatchObject({
      state: 'open',
      escalatedAt: new Date(T0 + 5 * HOUR + MIN).toISOString(),
    });
    const audit = await alerts.listAudit(sql, stored[0].id);
    expect(audit.map((a) => [a.action, a.fromState, a.toState, a.actor])).toEqual([
      ['opened', null, 'open', null],
      ['sent-to-ccc', 'open', 'open', null],
    ]);
  });

  it('scores a COPD patient on SpO2 scale 2 and alerts on their personalised threshold', async () => {
    const p = await admit({ spo2Scale: 2, thresholds: [{ parameter: 'spo2', below: 88, note: 'COPD' }] });
    const first = await batch(vitals(p.id, T0, { ...NORMAL, spo2: 89 }), T0);
    const [score] = first.filter((e): e is ScoreEvent => e.type === 'score.updated');
    // Scale 2: 89 % on air is within the 88–92 target and scores 0 (scale 1 would score 3, a red score).
    expect(score.score).toMatchObject({ spo2Scale: 2, total: 0, redScore: false });
    expect(score.score.perParameter['spo2']).toBe(0);
    expect(alertEvents(first)).toEqual([]);

    const second = await batch(vitals(p.id, T0 + 10 * MIN, { spo2: 87 }), T0 + 10 * MIN);
    const opened = alertEvents(second);
    expect(opened.map((e) => [e.type, e.alert.ruleId, e.alert.triggeringParameters])).toEqual([
      ['alert.opened', 'deterioration', ['spo2']],
    ]);
    expect(opened[0].alert.reasons.map((r) => r.ruleId)).toEqual(['personal-threshold']);
    expect(opened[0].alert.reason).toMatch(/below 88.*personalised threshold \(set by Dr Copd: COPD\)/);
  });

  it('raises a fall at once as a critical alert', async () => {
    const p = await admit();
    const events = await batch([observation(p.id, 'fall', 1, T0)], T0);
    expect(alertEvents(events).map((e) => [e.type, e.alert.ruleId, e.alert.severity, e.alert.kind])).toEqual([
      ['alert.opened', 'fall', 'critical', 'clinical'],
    ]);
  });

  it('HZ-09 a signal oscillating at a threshold for 10 minutes gives at most one alert', async () => {
    const p = await admit({ spo2Scale: 2, thresholds: [{ parameter: 'spo2', below: 88 }] });
    await batch(vitals(p.id, T0 - MIN, NORMAL), T0 - MIN);
    for (let m = 0; m < 10; m++) {
      await batch(vitals(p.id, T0 + m * MIN, { spo2: m % 2 === 0 ? 87 : 89 }), T0 + m * MIN);
    }
    const events = alertEvents(published);
    expect(events.filter((e) => e.type === 'alert.opened')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'alert.resolved')).toHaveLength(0);
    expect(await alerts.listForPatient(sql, p.id)).toHaveLength(1);
  });

  it('closes an episode only after the condition has been clear long enough, and re-uses it before then', async () => {
    const p = await admit({ spo2Scale: 2, thresholds: [{ parameter: 'spo2', below: 88 }] });
    await batch(vitals(p.id, T0 - MIN, NORMAL), T0 - MIN);
    await batch(vitals(p.id, T0, { spo2: 86 }), T0);
    for (let m = 1; m <= 20; m++) await batch(vitals(p.id, T0 + m * MIN, { spo2: 90 }), T0 + m * MIN);
    const [closed] = await alerts.listForPatient(sql, p.id);
    expect(closed.state).toBe('resolved');
    expect(closed.resolutionNote).toMatch(/Closed automatically/);
    await batch(vitals(p.id, T0 + 30 * MIN, { spo2: 86 }), T0 + 30 * MIN);
    expect((await alerts.listForPatient(sql, p.id)).map((a) => a.state)).toEqual(['resolved', 'open']);
  });

  it('HZ-10 HZ-18 R3 a snooze on the clinical alert does not hide a fall, and breaks when the band worsens', async () => {
    const p = await admit();
    // NEWS2 5 (medium), no single 3.
    const medium: Vitals = { ...NORMAL, respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5 };
    await batch(vitals(p.id, T0, medium), T0);
    const [band] = await alerts.listForPatient(sql, p.id);
    await act(band.id, { action: 'snooze', minutes: 30 });
    published = [];

    // Same band again: stored, and the snoozed episode says nothing new.
    await batch(vitals(p.id, T0 + 10 * MIN, medium), T0 + 10 * MIN);
    expect(alertEvents(published)).toEqual([]);

    // A fall (another alert) is not hidden by the snooze.
    await batch([observation(p.id, 'fall', 1, T0 + 15 * MIN)], T0 + 15 * MIN);
    expect(alertEvents(published).map((e) => [e.type, e.alert.ruleId])).toEqual([['alert.opened', 'fall']]);
    published = [];

    // The band worsens to high: the snooze breaks and the nurse is told.
    await batch(vitals(p.id, T0 + 20 * MIN, { ...medium, spo2: 93, heartRate: 112 }), T0 + 20 * MIN);
    const bandEvents = alertEvents(published).filter((e) => e.alert.id === band.id);
    expect(bandEvents.map((e) => [e.type, e.alert.severity, e.alert.snoozedUntil])).toEqual([
      ['alert.updated', 'high', null],
    ]);
    const audit = await alerts.listAudit(sql, band.id);
    expect(audit.map((a) => a.action)).toEqual(['opened', 'snoozed', 'snooze-broken', 'sent-to-ccc']);
    // R3: a high alert cannot be snoozed at all.
    await expect(act(band.id, { action: 'snooze', minutes: 5 })).rejects.toThrow(/cannot be snoozed/);
  });

  it('HZ-08 a partial NEWS2 is stored and sent as partial, listing what is missing', async () => {
    const p = await admit();
    const events = await batch(vitals(p.id, T0, { spo2: 91, heartRate: 80 }), T0);
    const [score] = events.filter((e): e is ScoreEvent => e.type === 'score.updated');
    expect(score.score).toMatchObject({ partial: true, total: 3, redScore: true });
    expect(score.score.missing).toEqual([
      'respiratoryRate',
      'onOxygen',
      'systolicBp',
      'consciousness',
      'temperatureC',
    ]);
    const [red] = alertEvents(events);
    expect(red.alert).toMatchObject({ ruleId: 'deterioration', partial: true, severity: 'low-medium' });
    expect(red.alert.reasons.map((r) => r.ruleId)).toEqual(['news2-red-score']);
    const [row] = await sql.query<{ partial: boolean; missing: string[] }>(
      `SELECT partial, missing FROM news2_scores WHERE patient_id = $1`,
      [p.id],
    );
    expect(row.partial).toBe(true);
    expect(row.missing).toContain('respiratoryRate');
  });

  it('HZ-06 HZ-07 a backlog older than the freshness window when it arrives, though newer than anything stored, is stored and scored for the record but pages nothing', async () => {
    const p = await admit();
    await batch(vitals(p.id, T0, NORMAL), T0);
    published = [];
    // A hub offline for two days uploads a set measured 20 hours before it reaches Vigil: the newest the patient
    // has, but no longer the patient now (R7: 12 hours).
    const measured = T0 + 28 * HOUR;
    now = T0 + 48 * HOUR;
    const late = await scorer.handleBatch(
      vitals(p.id, measured, { ...NORMAL, respiratoryRate: 25, spo2: 91, heartRate: 115 }, now),
    );
    expect(alertEvents(late)).toEqual([]);
    const scores = late.filter((e): e is ScoreEvent => e.type === 'score.updated');
    expect(scores.map((s) => [s.score.retrospective, s.score.scoredAt])).toEqual([
      [true, new Date(measured).toISOString()],
    ]);
    expect(scores[0].score.total).toBeGreaterThanOrEqual(8);
    const rows = await sql.query<{ retrospective: boolean }>(
      `SELECT retrospective FROM observations WHERE patient_id = $1 AND measured_at = $2`,
      [p.id, new Date(measured)],
    );
    expect(rows.length).toBe(7);
    expect(rows.every((r) => r.retrospective)).toBe(true);
    expect(await alerts.listForPatient(sql, p.id)).toEqual([]);
  });

  it('HZ-06 HZ-07 HZ-30 a backlog stale on arrival does not count as a scheduled reading taken: the overdue alert that carries its note stays open', async () => {
    const p = await admit();
    // A twice-daily schedule: overdue after 12 h plus an hour's grace, longer than the 12-hour freshness window.
    await patients.setMonitoring(p.id, {
      requiredParameters: ['spo2'],
      intervalMinutes: 720,
      graceMinutes: 60,
    });
    await batch(vitals(p.id, T0, { spo2: 97 }), T0);
    const overdueAlert = async () =>
      (await alerts.listForPatient(sql, p.id)).find((a) => a.ruleId === 'overdue-reading');
    now = T0 + 13 * HOUR + MIN;
    await scorer.runTimers();
    const opened = await overdueAlert();
    expect(opened?.state).toBe('open');
    // A hub back after 12 h uploads an alarming SpO2 measured 12.5 h ago: stale on arrival, so it pages nothing
    // and leaves its note on the open alert; and it is not the fresh reading the schedule asks for.
    now = T0 + 13 * HOUR + 30 * MIN;
    await scorer.handleBatch(vitals(p.id, T0 + HOUR, { spo2: 84 }, now));
    expect((await alerts.listAudit(sql, opened!.id)).map((a) => a.action)).toContain('late-data-not-paged');
    for (const m of [35, 45, 55, 70]) {
      now = T0 + 13 * HOUR + m * MIN;
      await scorer.runTimers();
    }
    expect((await overdueAlert())?.id).toBe(opened!.id);
    expect((await overdueAlert())?.state).not.toBe('resolved');
  });

  it('HZ-07 a retrospective batch is stored and scored for the record but does not page', async () => {
    const p = await admit();
    await batch(vitals(p.id, T0 + 2 * HOUR, NORMAL), T0 + 2 * HOUR);
    published = [];
    // Store-and-forward delivers an older, alarming set late.
    const late = await batch(
      vitals(p.id, T0, { ...NORMAL, respiratoryRate: 26, spo2: 90, heartRate: 135 }),
      T0 + 3 * HOUR,
    );
    expect(alertEvents(late)).toEqual([]);
    const scores = late.filter((e): e is ScoreEvent => e.type === 'score.updated');
    expect(scores.map((s) => [s.score.retrospective, s.score.total, s.score.scoredAt])).toEqual([
      [true, 9, new Date(T0).toISOString()],
    ]);
    const rows = await sql.query<{ retrospective: boolean }>(
      `SELECT retrospective FROM observations WHERE patient_id = $1 AND measured_at = $2`,
      [p.id, new Date(T0)],
    );
    expect(rows.length).toBe(7);
    expect(rows.every((r) => r.retrospective)).toBe(true);
    expect(await alerts.listForPatient(sql, p.id)).toEqual([]);
  });

  it('HZ-04 replaying the same batch leaves no duplicate observation, score or alert', async () => {
    const p = await admit();
    const events = [...vitals(p.id, T0, { ...NORMAL, respiratoryRate: 7 }), observation(p.id, 'fall', 1, T0)];
    const first = await batch(events, T0);
    expect(alertEvents(first)).toHaveLength(2);
    // A fresh instance (as after a crash before the stream commit) replays it.
    scorer = new ScorerService(sql, async () => undefined, { clock: () => new Date(now) });
    const second = await batch(events, T0);
    expect(second).toEqual([]);
    const [counts] = await sql.query<{ o: string; s: string; a: string }>(
      `SELECT (SELECT count(*) FROM observations WHERE patient_id = $1) AS o,
              (SELECT count(*) FROM news2_scores WHERE patient_id = $1) AS s,
              (SELECT count(*) FROM alerts WHERE patient_id = $1) AS a`,
      [p.id],
    );
    expect([Number(counts.o), Number(counts.s), Number(counts.a)]).toEqual([8, 1, 2]);
  });

  it("HZ-04 a device message's readings event is stored and scored as its observations are, and a redelivery in either shape stores nothing twice", async () => {
    const p = await admit();
    // One cuff-and-oximeter message (respiratory rate 7 scores 3: an alert) and a nurse's coded entries.
    const observations = vitals(p.id, T0, { ...NORMAL, respiratoryRate: 7 })
      .flatMap(expandVitalsEvent)
      .map((o, i) =>
        o.deviceId ? { ...o, deviceId: 'hub-1', messageId: 'hub-1:4', seq: 4, id: `hub-1:4:${i}` } : o,
      )
      // The device's readings together, as ingest publishes a message; then the nurse's.
      .sort((a, b) => Number(a.deviceId === null) - Number(b.deviceId === null));
    const events = observationEvents(observations);
    expect(events.map((e) => e.type)).toEqual(['readings', 'observation', 'observation']);
    const first = await batch(events, T0);
    expect(alertEvents(first).map((e) => e.alert.ruleId)).toEqual(['deterioration']);
    // Redelivered: as the same event, and as one observation event per reading (a journal written before).
    scorer = new ScorerService(sql, async () => undefined, { clock: () => new Date(now) });
    expect(await batch(events, T0)).toEqual([]);
    expect(
      await batch(
        observations.map((o) => ({ type: 'observation', observation: o })),
        T0,
      ),
    ).toEqual([]);
    const stored = await sql.query<{ id: string; device_id: string | null; seq: number | null }>(
      `SELECT id, device_id, seq FROM observations WHERE patient_id = $1 ORDER BY id`,
      [p.id],
    );
    expect(stored).toHaveLength(7);
    expect(stored.filter((o) => o.device_id === 'hub-1').map((o) => [o.id, Number(o.seq)])).toEqual(
      observations
        .filter((o) => o.deviceId)
        .map((o) => [o.id, 4])
        .sort(),
    );
    const [counts] = await sql.query<{ s: string; a: string }>(
      `SELECT (SELECT count(*) FROM news2_scores WHERE patient_id = $1) AS s,
              (SELECT count(*) FROM alerts WHERE patient_id = $1) AS a`,
      [p.id],
    );
    expect([Number(counts.s), Number(counts.a)]).toEqual([1, 1]);
  });

  it('HZ-15 a failing audit write fails the transition, and a failing batch stores nothing', async () => {
    const p = await admit();
    await batch([observation(p.id, 'fall', 1, T0)], T0);
    const [fall] = await alerts.listForPatient(sql, p.id);
    await sql.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`);
    await sql.query(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON alert_audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
    );
    try {
      await expect(act(fall.id, { action: 'acknowledge' })).rejects.toThrow(/audit store unavailable/);
      expect((await alerts.findById(sql, fall.id))?.state).toBe('open');

      const other = await admit();
      await expect(batch([observation(other.id, 'fall', 1, T0)], T0)).rejects.toThrow(
        /audit store unavailable/,
      );
      const [n] = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM observations WHERE patient_id = $1`,
        [other.id],
      );
      expect(Number(n.n)).toBe(0);
    } finally {
      await sql.query(`DROP TRIGGER refuse_audit ON alert_audit`);
    }
    const acked = await act(fall.id, { action: 'acknowledge' });
    expect(acked.alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'nurse-1',
      assignedTo: 'nurse-1',
    });
    await expect(act(fall.id, { action: 'resolve', note: ' ' })).rejects.toThrow(/note/);
    const audit = await alerts.listAudit(sql, fall.id);
    expect(audit.map((a) => [a.action, a.fromState, a.toState, a.actor])).toEqual([
      ['opened', null, 'open', null],
      ['sent-to-ccc', 'open', 'open', null],
      ['acknowledged', 'open', 'acknowledged', 'nurse-1'],
    ]);
  });

  it('HZ-16 R1 a late cuff reading from a second device re-evaluates the stored state and opens an alert', async () => {
    const p = await admit();
    await batch(vitals(p.id, T0, NORMAL), T0); // NEWS2 0 at 06:00
    // A fresh instance: the state comes from the database, not from memory.
    scorer = new ScorerService(sql, async (events) => void published.push(...events), {
      clock: () => new Date(now),
    });
    const seven = T0 + HOUR;
    const at7 = await batch(vitals(p.id, seven, { spo2: 95, heartRate: 95, respiratoryRate: 21 }), seven);
    expect(at7.filter((e): e is ScoreEvent => e.type === 'score.updated').map((e) => e.score.total)).toEqual([
      4,
    ]);
    expect(alertEvents(at7)).toEqual([]);
    const cuff = observation(p.id, 'systolicBp', 98, seven - 5 * MIN);
    if (cuff.type !== 'observation') throw new Error('unreachable');
    cuff.observation.deviceId = 'cuff-2';
    const late = await batch([cuff], seven + MIN);
    const [score] = late.filter((e): e is ScoreEvent => e.type === 'score.updated');
    expect(score.score).toMatchObject({
      total: 6,
      band: 'medium',
      retrospective: false,
      scoredAt: new Date(seven).toISOString(),
    });
    expect(alertEvents(late).map((e) => [e.type, e.alert.ruleId, e.alert.severity])).toEqual([
      ['alert.opened', 'deterioration', 'medium'],
    ]);
    const [stored] = await sql.query<{ total: number }>(
      `SELECT total FROM news2_scores WHERE patient_id = $1 AND scored_at = $2`,
      [p.id, new Date(seven)],
    );
    expect(Number(stored.total)).toBe(6);
  });

  it('HZ-17 R2 a second fall after the first was acknowledged reopens the fall alert and restarts escalation', async () => {
    const p = await admit();
    await batch([observation(p.id, 'fall', 1, T0)], T0);
    const [fall] = await alerts.listForPatient(sql, p.id);
    await act(fall.id, { action: 'acknowledge' });
    const again = await batch([observation(p.id, 'fall', 1, T0 + 20 * MIN)], T0 + 20 * MIN);
    expect(alertEvents(again).map((e) => [e.type, e.alert.id, e.alert.state])).toEqual([
      ['alert.updated', fall.id, 'open'],
    ]);
    const [reopened] = await alerts.listForPatient(sql, p.id);
    expect(reopened.attentionSince.getTime()).toBe(T0 + 21 * MIN);
    // Escalation counts from the second fall: not yet at +25, escalated at +26 (critical: 5 minutes).
    now = T0 + 25 * MIN;
    expect(alertEvents(await scorer.runTimers()).filter((e) => e.alert.id === fall.id)).toEqual([]);
    now = T0 + 26 * MIN;
    const escalated = alertEvents(await scorer.runTimers()).filter((e) => e.alert.id === fall.id);
    expect(escalated.map((e) => [e.type, e.alert.state])).toEqual([['alert.escalated', 'escalated']]);
  });

  it('HZ-21 R5 an acknowledged high alert whose cause persists re-prompts after 30 minutes, then re-escalates', async () => {
    const p = await admit();
    const high: Vitals = { ...NORMAL, respiratoryRate: 21, spo2: 93, heartRate: 112, temperature: 38.5 };
    await batch(vitals(p.id, T0, high), T0);
    const [alert] = await alerts.listForPatient(sql, p.id);
    expect(alert.severity).toBe('high');
    await act(alert.id, { action: 'acknowledge' });
    now = T0 + 30 * MIN;
    expect(alertEvents(await scorer.runTimers()).filter((e) => e.alert.id === alert.id)).toEqual([]);
    now = T0 + 31 * MIN;
    const reprompt = alertEvents(await scorer.runTimers()).filter((e) => e.alert.id === alert.id);
    expect(reprompt.map((e) => [e.type, e.alert.state])).toEqual([['alert.updated', 'open']]);
    now = T0 + 46 * MIN;
    const escalated = alertEvents(await scorer.runTimers()).filter((e) => e.alert.id === alert.id);
    expect(escalated.map((e) => [e.type, e.alert.state])).toEqual([['alert.escalated', 'escalated']]);
    const audit = await alerts.listAudit(sql, alert.id);
    expect(audit.map((a) => a.action)).toEqual([
      'opened',
      'sent-to-ccc',
      'acknowledged',
      'reprompted',
      'escalated-by-timer',
    ]);
  });

  it('escalates unacknowledged alerts on a timer, once, from the database', async () => {
    const p = await admit();
    await batch([observation(p.id, 'fall', 1, T0)], T0);
    now = T0 + 3 * MIN;
    expect(alertEvents(await scorer.runTimers()).filter((e) => e.alert.patientId === p.id)).toEqual([]);
    now = T0 + 10 * MIN;
    const [a, b] = await Promise.all([scorer.runTimers(), scorer.runTimers()]);
    const escalated = [...alertEvents(a), ...alertEvents(b)].filter((e) => e.alert.patientId === p.id);
    expect(escalated.map((e) => [e.type, e.alert.state])).toEqual([['alert.escalated', 'escalated']]);
  });

  it('raises an overdue reading within the grace period, and closes it (with hysteresis) once the reading comes', async () => {
    const p = await admit();
    await patients.setMonitoring(p.id, {
      requiredParameters: ['spo2'],
      intervalMinutes: 60,
      graceMinutes: 15,
    });
    await batch(vitals(p.id, T0, { spo2: 97 }), T0);
    const overdue = async (at: number) => {
      now = at;
      return alertEvents(await scorer.runTimers()).filter(
        (e) => e.alert.patientId === p.id && e.alert.ruleId === 'overdue-reading',
      );
    };
    expect(await overdue(T0 + 70 * MIN)).toEqual([]); // inside interval + grace
    const raised = await overdue(T0 + 76 * MIN);
    expect(raised.map((e) => [e.type, e.alert.triggeringParameters])).toEqual([['alert.opened', ['spo2']]]);
    expect(await overdue(T0 + 90 * MIN)).toEqual([]); // one episode, not a repeat
    await batch(vitals(p.id, T0 + 95 * MIN, { spo2: 96 }), T0 + 95 * MIN);
    // Hysteresis: it closes only once the condition has been clear for 15 minutes over 3 checks.
    const after: [number, string[]][] = [];
    for (const m of [97, 105, 112, 125]) {
      after.push([m, (await overdue(T0 + m * MIN)).map((e) => e.type)]);
    }
    expect(after).toEqual([
      [97, []],
      [105, []],
      [112, ['alert.resolved']],
      [125, []],
    ]);
  });

  it('raises a device offline alert for a silent device, and a reading counts as a sign of life', async () => {
    const registry = new DeviceRegistryRepository(ds);
    const p = await admit();
    const silent = await registry.provision({ kind: 'thermometer' });
    const talking = await registry.provision({ kind: 'pulse-oximeter' });
    for (const d of [silent, talking]) {
      await registry.bind({ deviceId: d.device.id, patientId: p.id, from: new Date(T0) });
    }
    const reading = observation(p.id, 'spo2', 97, T0 + 50 * MIN);
    if (reading.type !== 'observation') throw new Error('unreachable');
    reading.observation.deviceId = talking.device.id;
    await batch([reading], T0 + 50 * MIN);
    now = T0 + 61 * MIN;
    const offline = alertEvents(await scorer.runTimers()).filter(
      (e) => e.alert.patientId === p.id && e.alert.ruleId === 'device-offline',
    );
    expect(offline.map((e) => [e.type, e.alert.kind])).toEqual([['alert.opened', 'technical']]);
    expect(offline[0].alert.reason).toContain(silent.device.id);
  });
});
