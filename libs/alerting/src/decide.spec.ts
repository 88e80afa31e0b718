import { type CanonicalObservation, type DeviceStatusEvent, observationEvents } from '@vigil/contracts';
import type { AlertRecord } from './alert-record';
import type { ClinicalState } from './clinical-state';
import { decideReadings, devicesSeen, retrospectiveIds, splitBatch } from './decide';
import type { PatientContext } from './patient-context';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { alertRecord, COMPLETE, patient, reading, readingsOf } from './rules/test-context';

const P = patient();
const patients = new Map([[P.patientId, P]]);
const T = (hhmm: string) => new Date(`2026-11-25T${hhmm}:00Z`);

function decide(
  observations: CanonicalObservation[],
  opts: {
    states?: Map<string, ClinicalState>;
    episodes?: AlertRecord[];
    now?: Date;
    statuses?: DeviceStatusEvent[];
    patient?: PatientContext;
  } = {},
) {
  const now = opts.now ?? T('07:02');
  return decideReadings({
    now,
    policy: DEFAULT_ALERTING_POLICY,
    patients: opts.patient ? new Map([[opts.patient.patientId, opts.patient]]) : patients,
    states: opts.states ?? new Map(),
    episodes: opts.episodes ?? [],
    // Received now (ingest's stamp), unless a test says otherwise: R7 on arrival judges freshness at receipt.
    observations: observations.map((o) =>
      o.receivedAt === o.measuredAt ? { ...o, receivedAt: now.toISOString() } : o,
    ),
    statuses: opts.statuses ?? [],
  });
}

/** NEWS2 0 at 06:00 on a complete set. */
const baseline = () => readingsOf(COMPLETE, T('06:00'));

describe('decideReadings (event time)', () => {
  it('HZ-16 R1 a late cuff reading from a second device re-evaluates the current state and opens an alert', () => {
    const first = decide(baseline(), { now: T('06:01') });
    // 07:00: SpO2 95 (1), HR 95 (1), RR 21 (2) → NEWS2 4 with the 06:00 values.
    const at7 = [
      reading('spo2', 95, null, { measuredAt: T('07:00').toISOString() }),
      reading('heartRate', 95, null, { measuredAt: T('07:00').toISOString() }),
      reading('respiratoryRate', 21, null, { measuredAt: T('07:00').toISOString() }),
    ];
    const second = decide(at7, { states: first.states, now: T('07:01') });
    expect(second.scores.map((s) => s.score.total)).toEqual([4]);
    expect(second.alerts.events).toEqual([]);
    // A cuff (another device) measured 06:55, arriving 07:02: SBP 98 (2) is the newest systolic.
    const cuff = reading('systolicBp', 98, null, {
      deviceId: 'cuff-2',
      measuredAt: T('06:55').toISOString(),
      receivedAt: T('07:02').toISOString(),
    });
    const third = decide([cuff], { states: second.states });
    expect(retrospectiveIds(second.states, [cuff]).size).toBe(0);
    expect(third.scores.map((s) => [s.score.total, s.score.band, s.score.scoredAt])).toEqual([
      [6, 'medium', T('07:00').toISOString()],
    ]);
    expect(
      third.alerts.events.map((e) => [e.type, e.alert.ruleId, e.alert.severity, e.alert.news2Total]),
    ).toEqual([['alert.opened', 'deterioration', 'medium', 6]]);
  });

  it('HZ-07 R1 R11 a reading older than the newest of its parameter is retrospective and changes nothing current', () => {
    const first = decide(baseline(), { now: T('06:01') });
    const old = reading('heartRate', 140, null, { measuredAt: T('05:00').toISOString() });
    expect([...retrospectiveIds(first.states, [old])]).toEqual([old.id]);
    const after = decide([old], { states: first.states });
    expect(after.states.get(P.patientId)?.get('heartRate')?.value).toBe(72);
    expect(after.scores).toEqual([]);
    expect(after.alerts.events).toEqual([]);
    expect(after.lateScoreTimes).toEqual([{ patientId: P.patientId, at: T('05:00') }]);
  });

  it('HZ-07 R11 retrospective is judged against the state however old its newest value is, not a 48-hour window', () => {
    const weekOld = readingsOf({ pulse: 72 }, new Date('2026-11-18T06:00:00Z'));
    const state = decide(weekOld, { now: T('06:00') }).states;
    const older = reading('heartRate', 150, null, { measuredAt: '2026-11-17T06:00:00Z' });
    expect([...retrospectiveIds(state, [older])]).toEqual([older.id]);
    expect(decide([older], { states: state }).alerts.events).toEqual([]);
  });

  it('HZ-23 R8 an implausible but possible reading opens a high-priority check-patient-and-device alert', () => {
    const d = decide([reading('spo2', 45, { implausible: true })]);
    const implausible = d.alerts.events.filter((e) => e.alert.ruleId === 'implausible-reading');
    expect(implausible.map((e) => [e.type, e.alert.severity, e.alert.kind])).toEqual([
      ['alert.opened', 'high', 'clinical'],
    ]);
    expect(implausible[0].alert.reason).toMatch(/Implausible reading — check patient and device: SpO2 45/);
  });

  it('HZ-20 R4 device liveness uses receipt time, never the device clock', () => {
    const status: DeviceStatusEvent = {
      type: 'device-status',
      deviceId: 'ox-1',
      patientId: P.patientId,
      battery: 80,
      signalDbm: null,
      firmware: null,
      sentAt: '2026-11-26T07:00:00.000Z', // a device clock a day fast
      receivedAt: '2026-11-25T07:00:00.000Z',
    };
    const r = reading('spo2', 97, null, {
      deviceId: 'cuff-1',
      measuredAt: '2026-11-24T07:00:00.000Z',
      receivedAt: '2026-11-25T07:01:00.000Z',
    });
    expect(devicesSeen([status], [r]).map((d) => [d.deviceId, d.seenAt.toISOString()])).toEqual([
      ['ox-1', '2026-11-25T07:00:00.000Z'],
      ['cuff-1', '2026-11-25T07:01:00.000Z'],
    ]);
  });

  it('HZ-07 arrival order within a batch does not change the final state or score', () => {
    const all = [...baseline(), reading('heartRate', 120, null, { measuredAt: T('06:30').toISOString() })];
    const a = decide(all);
    const b = decide([...all].reverse());
    const sorted = (d: typeof a) => [...(d.states.get(P.patientId) ?? new Map()).entries()].sort();
    expect(sorted(a)).toEqual(sorted(b));
    expect(a.scores.at(-1)?.score).toEqual(b.scores.at(-1)?.score);
  });
});

describe('R7 on arrival: freshness is judged at the time the readings arrive, not at their own newest time', () => {
  const NOW = T('07:02');
  const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
  const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
  /** The reviewer's backlog: RR 25 (3), SpO2 91 (3), pulse 115 (2) — NEWS2 at least 8 — measured 20 h ago. */
  const backlog = () => {
    const measuredAt = hoursAgo(20).toISOString();
    return [
      reading('respiratoryRate', 25, null, { measuredAt }),
      reading('spo2', 91, null, { measuredAt }),
      reading('heartRate', 115, null, { measuredAt }),
    ];
  };
  /** The patient's last state: a normal set measured two days ago (received then). */
  const twoDaysAgo = () => decide(readingsOf(COMPLETE, hoursAgo(48)), { now: hoursAgo(48) }).states;

  it('HZ-06 HZ-07 R7 a store-and-forward backlog older than the freshness window on arrival is stored, scored for the record and charted, but pages nothing', () => {
    const states = twoDaysAgo();
    const batch = backlog();
    const d = decide(batch, { states, now: NOW });
    expect(d.alerts).toEqual({ save: [], audits: [], events: [] });
    // Scored for the record at its own time, flagged retrospective (never the console's current score).
    expect(
      d.scores.map((s) => [
        s.score.total,
        s.score.band,
        s.score.partial,
        s.score.retrospective,
        s.score.scoredAt,
      ]),
    ).toEqual([[8, 'high', true, true, hoursAgo(20).toISOString()]]);
    // The event-time state moves on (it is the newest of each parameter), so arrival order still does not matter.
    expect(d.states.get(P.patientId)?.get('respiratoryRate')?.value).toBe(25);
    // The stored readings are flagged retrospective too, given the arrival; without it only R11 applies.
    const arrival = { now: NOW, patients, freshnessMinutes: DEFAULT_ALERTING_POLICY.freshnessMinutes };
    const received = batch.map((o) => ({ ...o, receivedAt: NOW.toISOString() }));
    expect([...retrospectiveIds(states, received, arrival)].sort()).toEqual(batch.map((o) => o.id).sort());
    expect(retrospectiveIds(states, batch).size).toBe(0);
  });

  it("HZ-06 HZ-07 R7 a stale backlog that would have alerted leaves a non-paging note on the patient's unresolved alert", () => {
    const overdue = alertRecord(
      {
        ruleId: 'overdue-reading',
        subject: 'spo2',
        kind: 'clinical',
        severity: 'low',
        reason: 'No SpO2 reading for 47 hours',
        band: null,
        news2Total: null,
      },
      hoursAgo(24),
    );
    const d = decide(backlog(), { states: twoDaysAgo(), now: NOW, episodes: [overdue] });
    expect(d.alerts.events).toEqual([]);
    expect(d.alerts.save).toEqual([]);
    expect(d.alerts.audits).toHaveLength(1);
    const [note] = d.alerts.audits;
    expect(note).toMatchObject({
      alertId: overdue.id,
      actor: null,
      action: 'late-data-not-paged',
      fromState: 'open',
      toState: 'open',
      detail: { severity: 'high', news2Total: 8, minutesLate: 20 * 60, ruleId: 'deterioration' },
    });
    expect(note.detail?.['note']).toMatch(
      /^Not paged: readings measured at .* reached Vigil 20 h later, beyond the 12 h freshness window.*Had they been current: NEWS2 at least 8 \(high band\)/,
    );
  });

  it('HZ-06 HZ-07 R7 a stale backlog neither worsens nor clears an open clinical alert', () => {
    const open = alertRecord({ severity: 'medium', news2Total: 5 }, hoursAgo(30));
    const worse = decide(backlog(), { states: twoDaysAgo(), now: NOW, episodes: [open] });
    expect(worse.alerts.save).toEqual([]);
    expect(worse.alerts.events).toEqual([]);
    expect(worse.alerts.audits.map((a) => [a.alertId, a.action])).toEqual([[open.id, 'late-data-not-paged']]);
    const normal = decide(readingsOf(COMPLETE, hoursAgo(20)), {
      states: twoDaysAgo(),
      now: NOW,
      episodes: [open],
    });
    expect(normal.alerts).toEqual({ save: [], audits: [], events: [] });
  });

  it('HZ-07 R7 a reading 40 minutes late, still within the window, pages, and its reason says when it was measured and how late it came', () => {
    const measuredAt = minutesAgo(40);
    const d = decide(
      [...readingsOf({ ...COMPLETE, respiratoryRate: 25, spo2: 91, pulse: 115 }, measuredAt)],
      {
        states: twoDaysAgo(),
        now: NOW,
      },
    );
    expect(d.scores.map((s) => [s.score.total, s.score.retrospective])).toEqual([[8, false]]);
    const [opened] = d.alerts.events;
    expect([opened.type, opened.alert.severity, opened.alert.escalatedAt]).toEqual([
      'alert.opened',
      'high',
      NOW.toISOString(),
    ]);
    const note = `Late data: measured at ${measuredAt.toISOString()}, 40 min before it reached Vigil.`;
    expect(opened.alert.reason).toContain(note);
    // The console shows the reasons, one a line: the most urgent one carries the note.
    expect(opened.alert.reasons[0].text).toContain(note);
    // On time (two minutes), no note.
    const onTime = decide(readingsOf({ ...COMPLETE, respiratoryRate: 25 }, minutesAgo(2)), { now: NOW });
    expect(onTime.alerts.events[0].alert.reason).not.toContain('Late data');
  });

  it('HZ-06 HZ-07 R7 readings received on time are judged at their receipt, not when a lagging pipeline got them to the scorer', () => {
    const p = patient({ monitoring: { freshnessMinutes: 60 } });
    const measuredAt = minutesAgo(62);
    // Received a minute after they were measured; the scorer decides 61 minutes later (consumer lag, an outage).
    const receivedAt = minutesAgo(61).toISOString();
    const sick = readingsOf({ ...COMPLETE, respiratoryRate: 25, spo2: 91, pulse: 115 }, measuredAt).map(
      (o) => ({
        ...o,
        receivedAt,
      }),
    );
    const d = decide(sick, { patient: p, now: NOW });
    expect(d.scores.map((s) => [s.score.total, s.score.retrospective])).toEqual([[8, false]]);
    expect(d.alerts.events.map((e) => [e.type, e.alert.severity])).toEqual([['alert.opened', 'high']]);
    // Not a late reading: no note blaming the device for the pipeline's delay.
    expect(d.alerts.events[0].alert.reason).not.toContain('Late data');
    // The same readings received 61 minutes after they were measured are a backlog, stale on arrival.
    const backlog = sick.map((o) => ({ ...o, receivedAt: NOW.toISOString() }));
    expect(decide(backlog, { patient: p, now: NOW }).alerts.events).toEqual([]);
  });

  it('HZ-06 R7 a late group is decided on the values still fresh now, not on those fresh only at its own time', () => {
    const p = patient({ monitoring: { freshnessMinutes: 60 } });
    // SBP 85 (3: a red score) at 06:00; the rest, normal, measured 06:50 and arriving 07:10 (20 minutes late).
    const first = decide([reading('systolicBp', 85, null, { measuredAt: T('06:00').toISOString() })], {
      patient: p,
      now: T('06:01'),
    });
    const { systolicBp: _sbp, ...rest } = COMPLETE;
    const d = decide(readingsOf(rest, T('06:50')), { states: first.states, now: T('07:10'), patient: p });
    // At 06:50 the SBP was 50 minutes old (fresh); at 07:10 it is 70 (stale): it neither pages nor counts.
    expect(d.alerts.events).toEqual([]);
    expect(d.scores.map((s) => [s.score.partial, s.score.missing, s.score.retrospective])).toEqual([
      [true, ['systolicBp'], false],
    ]);
  });

  it('HZ-02 HZ-07 R2 R7 a fall from a backlog hours old still alerts at once, critical and to the CCC, saying how late it is', () => {
    const fell = reading('fall', 1, { location: 'bathroom' }, { measuredAt: hoursAgo(6).toISOString() });
    const d = decide([fell], { now: NOW });
    const [opened] = d.alerts.events;
    expect([opened.type, opened.alert.ruleId, opened.alert.severity, opened.alert.escalatedAt]).toEqual([
      'alert.opened',
      'fall',
      'critical',
      NOW.toISOString(),
    ]);
    expect(opened.alert.reason).toContain(
      'Late data: this fall reached Vigil 6 h after it happened, and nobody was alerted before now — check on the patient.',
    );
    const arrival = { now: NOW, patients, freshnessMinutes: DEFAULT_ALERTING_POLICY.freshnessMinutes };
    expect(retrospectiveIds(new Map(), [fell], arrival).size).toBe(0);
  });
});

describe('splitBatch', () => {
  it('HZ-04 reads the observations of readings events and single ones alike, each id once, in arrival order', () => {
    const message = (seq: number, at: Date) =>
      readingsOf(COMPLETE, at).map((o, i) => ({
        ...o,
        id: `dev-1:${seq}:${i}`,
        messageId: `dev-1:${seq}`,
        seq,
      }));
    const first = message(1, T('06:00'));
    const second = message(2, T('06:05'));
    const manual: CanonicalObservation = {
      ...reading('spo2', 91),
      deviceId: null,
      source: 'manual',
      enteredBy: 'nurse-1',
    };
    const events = [...observationEvents(first), { type: 'observation' as const, observation: manual }];
    // The first message again (a redelivery), then the second.
    const batch = splitBatch([...events, ...observationEvents(first), ...observationEvents(second)]);
    expect(batch.observations).toEqual([...first, manual, ...second]);
    expect(batch.patientIds).toEqual([P.patientId]);
  });
});
