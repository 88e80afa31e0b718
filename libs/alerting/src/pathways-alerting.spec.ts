import { applyTemplate, monitoringOf, PATHWAY_TEMPLATES } from '@vigil/pathways';
import { applyAlertAction, AlertActionError } from './actions';
import type { AlertRecord } from './alert-record';
import { decideReadings } from './decide';
import { EpisodeBook } from './episodes';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { evaluateOverdueReading } from './rules/overdue-reading.rule';
import { alertRecord, AT, patient, reading, stateOf } from './rules/test-context';
import { decideReadingReminders } from './reminders';
import { decideTimers } from './timers';

/** Fake clock: minutes after AT. */
const at = (m: number) => new Date(AT.getTime() + m * 60_000);
const hfPlan = monitoringOf(applyTemplate(PATHWAY_TEMPLATES['heart-failure']));
const ariPlan = monitoringOf(applyTemplate(PATHWAY_TEMPLATES.ari));
const ladder = [
  { tier: 'ward-nurse' as const, responseMinutes: 30 },
  { tier: 'ward-clinician' as const, responseMinutes: 30 },
  { tier: 'ccc' as const, responseMinutes: 15 },
  { tier: 'urgent-response' as const, responseMinutes: 15 },
];

describe('schedule-driven overdue readings (fake clock)', () => {
  const admitted = patient({ monitoring: ariPlan, admittedAt: AT });
  const last = new Map(
    ['spo2', 'heartRate', 'respiratoryRate', 'temperature', 'systolicBp'].map((p) => [p, AT]),
  );

  it('HZ-30: a plan’s reading overdue past interval plus grace alerts; before that it is clear', () => {
    expect(evaluateOverdueReading(admitted, last, at(270))).toMatchObject({ active: false });
    const f = evaluateOverdueReading(admitted, last, at(271));
    expect(f).toMatchObject({ active: true, severity: 'low' });
    expect(f?.active && f.triggeringParameters).toEqual([
      'spo2',
      'heartRate',
      'respiratoryRate',
      'temperature',
      'systolicBp',
    ]);
  });

  it('HZ-31: with NEWS2 ≥ 5 the same readings are overdue after 75 minutes; a score back under 5 relaxes it', () => {
    const sick = { ...admitted, latestNews2: { total: 5, redScore: false, at: AT } };
    expect(evaluateOverdueReading(sick, last, at(74))).toMatchObject({ active: false });
    const f = evaluateOverdueReading(sick, last, at(76));
    expect(f?.active && f.reason).toMatch(/tightened: NEWS2 5 or more/);
    const better = { ...admitted, latestNews2: { total: 2, redScore: false, at: at(70) } };
    expect(evaluateOverdueReading(better, last, at(76))).toMatchObject({ active: false });
    // A score older than the freshness window (12 h) tightens nothing.
    const stale = { ...admitted, latestNews2: { total: 6, redScore: false, at: at(-13 * 60) } };
    expect(evaluateOverdueReading(stale, last, at(76))).toMatchObject({ active: false });
  });

  it('HZ-30: an overdue-reading alert under a ladder escalates to the clinician when the nurse does not act', () => {
    const p = patient({ monitoring: ariPlan, admittedAt: AT });
    const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, at(271));
    book.apply(p, evaluateOverdueReading(p, last, at(271))!);
    const [opened] = book.changes().save;
    expect(opened).toMatchObject({ tier: 'ward-nurse', ruleId: 'overdue-reading' });
    const t = decideTimers([opened], at(271 + 30), DEFAULT_ALERTING_POLICY);
    expect(t.save[0]).toMatchObject({ state: 'escalated', tier: 'ward-clinician' });
  });
});

describe('tiered escalation in the alert timers (fake clock)', () => {
  const tiered = (over = {}) =>
    alertRecord({ ladder, tier: 'ward-nurse', tierSince: AT, attentionSince: AT, ...over });

  it('HZ-33: nurse → clinician → CCC → urgent response, each when the tier misses its target', () => {
    let a = tiered();
    expect(decideTimers([a], at(29), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    const steps: string[] = [];
    let now = 0;
    for (const wait of [30, 30, 15]) {
      now += wait;
      const t = decideTimers([a], at(now), DEFAULT_ALERTING_POLICY);
      expect(t.audits[0]).toMatchObject({ action: 're-escalated', actor: null });
      expect(t.events[0].type).toBe('alert.escalated');
      a = t.save[0];
      steps.push(a.tier!);
    }
    expect(steps).toEqual(['ward-clinician', 'ccc', 'urgent-response']);
    expect(a.escalationReason).toMatch(
      /Care coordination centre did not act within the 15-minute response target/,
    );
    expect(decideTimers([a], at(now + 500), DEFAULT_ALERTING_POLICY).save).toEqual([]);
  });

  it('HZ-33: a tier that acknowledged in time stops the clock (no re-escalation), and a medium alert with a ladder never takes the old 30-minute CCC path', () => {
    const acked = tiered({ state: 'acknowledged', acknowledgedAt: at(5), acknowledgedBy: 'n1' });
    const t = decideTimers([acked], at(31), DEFAULT_ALERTING_POLICY);
    expect(t.save).toEqual([]);
    const legacy = alertRecord({ attentionSince: AT });
    expect(decideTimers([legacy], at(30), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      state: 'escalated',
      tier: null,
      escalationDestination: 'ccc',
    });
  });

  it('HZ-33: NEWS2 ≥ 7 opens at the CCC tier, with the clinician told too', () => {
    const p = patient({ monitoring: { escalation: ladder } });
    const out = decideReadings({
      now: AT,
      policy: DEFAULT_ALERTING_POLICY,
      patients: new Map([[p.patientId, p]]),
      states: new Map(),
      episodes: [],
      observations: [
        reading('respiratoryRate', 26),
        reading('spo2', 90),
        reading('inspiredOxygen', 0, null, { valueCode: 'air' }),
        reading('systolicBp', 120),
        reading('heartRate', 115),
        reading('consciousness', 0, null, { valueCode: 'A' }),
        reading('temperature', 37),
      ],
      statuses: [],
    });
    const [opened] = out.alerts.save;
    expect(opened).toMatchObject({ severity: 'high', tier: 'ccc' });
    expect(opened.escalatedAt).toEqual(AT);
  });

  it('a person escalates to the next tier (or a named higher one) and resolves with an outcome', () => {
    const nurse = { userId: 'n1', role: 'nurse' as const };
    const up = applyAlertAction(
      tiered(),
      { action: 'escalate', reason: 'Breathless on the phone' },
      nurse,
      at(3),
      DEFAULT_ALERTING_POLICY,
    );
    expect(up.record).toMatchObject({
      state: 'escalated',
      tier: 'ward-clinician',
      tierSince: at(3),
      escalatedBy: 'n1',
    });
    expect(() =>
      applyAlertAction(
        up.record,
        { action: 'escalate', reason: 'x', destination: 'ward-nurse' },
        nurse,
        at(4),
        DEFAULT_ALERTING_POLICY,
      ),
    ).toThrow(AlertActionError);
    const done = applyAlertAction(
      up.record,
      { action: 'resolve', note: 'Furosemide increased', outcome: 'medication-change' },
      nurse,
      at(9),
      DEFAULT_ALERTING_POLICY,
    );
    expect(done.record).toMatchObject({ state: 'resolved', outcome: 'medication-change' });
    expect(done.event.alert).toMatchObject({
      outcome: 'medication-change',
      tier: 'ward-clinician',
      tierTargetMinutes: 30,
    });
  });
});

describe('heart-failure weight rule through the decision (fake clock)', () => {
  it('HZ-35: a heart-failure patient’s rising weight opens a weight-gain alert at the nurse tier', () => {
    const p = patient({
      monitoring: hfPlan,
      weightHistory: [
        { value: 80, measuredAt: at(-48 * 60) },
        { value: 81, measuredAt: at(-24 * 60) },
      ],
    });
    const out = decideReadings({
      now: AT,
      policy: DEFAULT_ALERTING_POLICY,
      patients: new Map([[p.patientId, p]]),
      states: new Map(),
      episodes: [],
      observations: [reading('bodyWeight', 82.2)],
      statuses: [],
    });
    expect(out.alerts.save).toEqual([
      expect.objectContaining({ ruleId: 'weight-gain', tier: 'ward-nurse', severity: 'medium' }),
    ]);
  });
});

describe('escalating again from a lower tier', () => {
  it('HZ-33: an alert escalated to the clinician may go on to the CCC; at the top of the ladder it may not', () => {
    const clinician = { userId: 'c1', role: 'clinician' as const };
    const atClinician = alertRecord({
      ladder,
      tier: 'ward-clinician',
      tierSince: AT,
      state: 'escalated',
      escalatedAt: AT,
    });
    const up = applyAlertAction(
      atClinician,
      { action: 'escalate', reason: 'CCC review', destination: 'ccc' },
      clinician,
      at(1),
      DEFAULT_ALERTING_POLICY,
    );
    expect(up.record).toMatchObject({ tier: 'ccc', state: 'escalated', tierSince: at(1) });
    const top = alertRecord({
      ladder,
      tier: 'urgent-response',
      tierSince: AT,
      state: 'escalated',
      escalatedAt: AT,
    });
    expect(() =>
      applyAlertAction(top, { action: 'escalate', reason: 'x' }, clinician, at(1), DEFAULT_ALERTING_POLICY),
    ).toThrow(AlertActionError);
    const legacy = alertRecord({ state: 'escalated', escalatedAt: AT });
    expect(() =>
      applyAlertAction(
        legacy,
        { action: 'escalate', reason: 'x' },
        clinician,
        at(1),
        DEFAULT_ALERTING_POLICY,
      ),
    ).toThrow(/cannot escalate an alert that is escalated/);
  });
});

describe('a tier acting stops its clock', () => {
  it('HZ-33: a coordinator taking ownership at the CCC tier stops its clock (no recommendation for 999 while owned)', () => {
    const coordinator = { userId: 'ccc-1', role: 'coordinator' as const };
    const atCcc = alertRecord({ ladder, tier: 'ccc', tierSince: AT, state: 'escalated', escalatedAt: AT });
    const owned = applyAlertAction(
      atCcc,
      { action: 'assign', assignee: 'ccc-1' },
      coordinator,
      at(5),
      DEFAULT_ALERTING_POLICY,
    );
    expect(owned.record.tierActedAt).toEqual(at(5));
    expect(decideTimers([owned.record], at(60), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([atCcc], at(60), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      tier: 'urgent-response',
    });
  });
});

describe('reading reminders from the plan (fake clock)', () => {
  const admitted = patient({ monitoring: ariPlan, admittedAt: AT });
  const last = new Map(
    ['spo2', 'heartRate', 'respiratoryRate', 'temperature', 'systolicBp'].map((p) => [p, AT]),
  );
  const ox = [{ deviceId: 'ox-9', kind: 'pulse-oximeter' as const }];

  it('HZ-61: reminders follow the same schedule as the overdue alert, tightening included', () => {
    expect(decideReadingReminders(admitted, last, ox, at(239))).toEqual([]);
    expect(
      decideReadingReminders(admitted, last, ox, at(240))
        .map((r) => r.command.parameter)
        .sort(),
    ).toEqual(['heartRate', 'respiratoryRate', 'spo2']);
    // NEWS2 ≥ 5: hourly, so the reminder comes at 60 minutes.
    const sick = { ...admitted, latestNews2: { total: 5, redScore: false, at: AT } };
    expect(decideReadingReminders(sick, last, ox, at(59))).toEqual([]);
    expect(decideReadingReminders(sick, last, ox, at(60))[0].command.dueAt).toBe(at(60).toISOString());
  });

  it('HZ-61: no reminders without a plan or after discharge', () => {
    expect(decideReadingReminders(patient({ admittedAt: AT }), new Map(), ox, at(600))).toEqual([]);
    const gone = { ...admitted, dischargedAt: at(10) };
    expect(decideReadingReminders(gone, last, ox, at(600))).toEqual([]);
  });
});

describe('a late weight is judged in event time by the weight-gain rule (HZ-63, fake clock)', () => {
  const H = 60;
  const weight = (kg: number, minutes: number) =>
    reading('bodyWeight', kg, null, { measuredAt: at(minutes).toISOString() });
  /** The patient's stored weights (newest held in the state), then one weight received now. */
  function decideLate(stored: { kg: number; minutes: number }[], late: { kg: number; minutes: number }) {
    const history = stored.map((w) => ({ value: w.kg, measuredAt: at(w.minutes) }));
    const p = patient({ monitoring: hfPlan, admittedAt: at(-10 * 24 * H), weightHistory: history });
    const newest = stored.reduce((a, w) => (w.minutes > a.minutes ? w : a));
    return decideReadings({
      now: at(5),
      policy: DEFAULT_ALERTING_POLICY,
      patients: new Map([[p.patientId, p]]),
      states: new Map([[p.patientId, stateOf([weight(newest.kg, newest.minutes)])]]),
      episodes: [],
      observations: [weight(late.kg, late.minutes)],
      statuses: [],
    });
  }

  it('HZ-63: a late weight that completes a gain of 2 kg within 3 days alerts, though the newest weight shows none', () => {
    // Stored: 80.0 kg two days ago, 80.9 kg now (newest: +0.9 kg). Received late: 82.1 kg measured yesterday.
    const stored = [
      { kg: 80.0, minutes: -48 * H },
      { kg: 80.9, minutes: 0 },
    ];
    const out = decideLate(stored, { kg: 82.1, minutes: -24 * H });
    expect(out.alerts.save).toEqual([
      expect.objectContaining({
        ruleId: 'weight-gain',
        state: 'open',
        severity: 'medium',
        tier: 'ward-nurse',
      }),
    ]);
    expect(out.alerts.save[0].reasons.map((r) => r.text).join(' ')).toMatch(
      /Weight up 2\.1 kg in 24 hours \(80 → 82\.1 kg, to .*judged in event time: a weight arrived late\)/,
    );
    // The late weight changes no current state: the newest weight is still the one held.
    expect(out.states.get(patient().patientId)?.get('bodyWeight')?.value).toBe(80.9);
  });

  it('HZ-63: a late, low weight completes the gain of a weight already received, within the window', () => {
    const out = decideLate([{ kg: 82.2, minutes: 0 }], { kg: 80.0, minutes: -60 * H });
    expect(out.alerts.save).toEqual([expect.objectContaining({ ruleId: 'weight-gain', state: 'open' })]);
  });

  it('HZ-63: a late weight whose gain spans more than 3 days does not alert', () => {
    // 80.0 kg 80 hours before the 82.2 kg: outside the 72-hour window.
    expect(decideLate([{ kg: 82.2, minutes: 0 }], { kg: 80.0, minutes: -80 * H }).alerts.save).toEqual([]);
    // 82.1 kg received late, 76 hours after the lowest (80.0) and below the newest: no gain within 3 days.
    const stored = [
      { kg: 80.0, minutes: -100 * H },
      { kg: 80.9, minutes: 0 },
    ];
    expect(decideLate(stored, { kg: 82.1, minutes: -24 * H }).alerts.save).toEqual([]);
  });
});

describe('a worsening or a new event under a ladder asks the tier again (fake clock)', () => {
  const p = patient({ monitoring: { escalation: ladder } });
  const decide = (now: Date, episodes: AlertRecord[], observations: ReturnType<typeof reading>[]) =>
    decideReadings({
      now,
      policy: DEFAULT_ALERTING_POLICY,
      patients: new Map([[p.patientId, p]]),
      states: new Map(),
      episodes,
      observations,
      statuses: [],
    });
  const vitals = (t: Date, rr: number, spo2: number, hr: number) =>
    [
      reading('respiratoryRate', rr),
      reading('spo2', spo2),
      reading('inspiredOxygen', 0, null, { valueCode: 'air' }),
      reading('systolicBp', 120),
      reading('heartRate', hr),
      reading('consciousness', 0, null, { valueCode: 'A' }),
      reading('temperature', 38.5),
    ].map((r) => ({ ...r, id: `${r.id}@${t.toISOString()}`, measuredAt: t.toISOString() }));

  it('HZ-10 HZ-33: NEWS2 5 acknowledged by the nurse, then 7: the alert goes to the CCC tier at once and on up the ladder if the CCC does not act', () => {
    const [medium] = decide(AT, [], vitals(AT, 22, 95, 95)).alerts.save;
    expect(medium).toMatchObject({ severity: 'medium', tier: 'ward-nurse', state: 'open' });
    const acked: AlertRecord = {
      ...medium,
      state: 'acknowledged',
      acknowledgedAt: at(5),
      acknowledgedBy: 'n1',
    };
    const worse = decide(at(20), [acked], vitals(at(20), 26, 90, 115));
    const [high] = worse.alerts.save;
    expect(high).toMatchObject({
      id: medium.id,
      severity: 'high',
      state: 'escalated',
      tier: 'ccc',
      tierSince: at(20),
    });
    // One row per step, each from the state the one before left: reopened, then sent to the CCC (its first escalation).
    expect(worse.alerts.audits.map((a) => [a.action, a.fromState, a.toState])).toEqual([
      ['reopened-on-worsening', 'acknowledged', 'open'],
      ['sent-to-ccc', 'open', 'escalated'],
    ]);
    // The nurse's acknowledgement covered NEWS2 5, not 7: the CCC's own 15-minute target runs.
    expect(decideTimers([high], at(34), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([high], at(35), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      tier: 'urgent-response',
    });
  });

  it('HZ-33: a tier that has not acted keeps its clock — a repeat fall or a score flapping back up never postpones the climb', () => {
    const fallAt = (t: Date) => [
      reading('fall', 1, null, { id: `fall@${t.toISOString()}`, measuredAt: t.toISOString() }),
    ];
    const [fall] = decide(AT, [], fallAt(AT)).alerts.save;
    const [again] = decide(at(10), [fall], fallAt(at(10))).alerts.save;
    expect(again).toMatchObject({ tier: 'ccc', tierSince: AT });
    expect(decideTimers([again], at(15), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      tier: 'urgent-response',
    });
    // NEWS2 5 at the nurse tier, unacknowledged, dipping to 4 and back to 5 every 10 minutes: it still climbs at 30.
    let [medium] = decide(AT, [], vitals(AT, 22, 95, 95)).alerts.save;
    for (const [m, rr] of [
      [10, 20],
      [20, 22],
    ] as const) {
      const saved = decide(at(m), [medium], vitals(at(m), rr, 95, 95)).alerts.save;
      medium = saved.find((a) => a.id === medium.id) ?? medium;
    }
    expect(medium).toMatchObject({ tier: 'ward-nurse', tierSince: AT });
    expect(decideTimers([medium], at(30), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      tier: 'ward-clinician',
    });
  });

  it('HZ-17 HZ-33: a second fall after the first was acknowledged (or owned) asks the CCC tier again, and climbs when it does not act', () => {
    const fallAt = (t: Date) => [
      reading('fall', 1, null, { id: `fall@${t.toISOString()}`, measuredAt: t.toISOString() }),
    ];
    const [fall] = decide(AT, [], fallAt(AT)).alerts.save;
    expect(fall).toMatchObject({ severity: 'critical', tier: 'ccc' });
    for (const handled of [
      { state: 'acknowledged' as const, acknowledgedAt: at(2), acknowledgedBy: 'n1' },
      { state: 'escalated' as const, assignedTo: 'c1', tierActedAt: at(2) },
    ]) {
      const [again] = decide(at(60), [{ ...fall, ...handled }], fallAt(at(60))).alerts.save;
      expect(again).toMatchObject({ id: fall.id, state: 'open', tier: 'ccc', tierSince: at(60) });
      expect(decideTimers([again], at(74), DEFAULT_ALERTING_POLICY).save).toEqual([]);
      expect(decideTimers([again], at(75), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
        state: 'escalated',
        tier: 'urgent-response',
      });
    }
  });
});
