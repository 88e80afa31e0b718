import { type CanonicalObservation, type DeviceStatusEvent, observationEvents } from '@vigil/contracts';
import type { AlertRecord } from './alert-record';
import type { ClinicalState } from './clinical-state';
import { decideReadings, devicesSeen, retrospectiveIds, splitBatch } from './decide';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { COMPLETE, patient, reading, readingsOf } from './rules/test-context';

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
  } = {},
) {
  return decideReadings({
    now: opts.now ?? T('07:02'),
    policy: DEFAULT_ALERTING_POLICY,
    patients,
    states: opts.states ?? new Map(),
    episodes: opts.episodes ?? [],
    observations,
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
