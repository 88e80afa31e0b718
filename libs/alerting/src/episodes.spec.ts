import type { AlertRecord } from './alert-record';
import { EpisodeBook } from './episodes';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { evaluateDeviceOffline } from './rules/device-offline.rule';
import { evaluateFall } from './rules/fall.rule';
import { evaluateOverdueReading } from './rules/overdue-reading.rule';
import { alertRecord, ctx, patient, reading } from './rules/test-context';
import type { ActiveFinding } from './rules/rule';

const P = patient();
const NOW = new Date('2026-11-25T10:00:00Z');
const later = (min: number) => new Date(NOW.getTime() + min * 60_000);
/** The clinical rule, as a synthetic finding names it. */
const DETERIORATION = {
  id: 'deterioration',
  version: 1,
  kind: 'clinical',
  title: '',
  source: null,
  autoResolve: true,
} as const;

function fallFinding(at: Date): ActiveFinding {
  const [f] = evaluateFall(ctx({ readings: [reading('fall', 1, null, { measuredAt: at.toISOString() })] }));
  if (!f.active) throw new Error('expected a fall');
  return f;
}

function openFall(over: Partial<AlertRecord> = {}): AlertRecord {
  const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
  book.apply(P, fallFinding(NOW));
  return { ...book.changes().save[0], ...over };
}

describe('EpisodeBook: the alert state machine for rule findings', () => {
  it('HZ-22 R6 a fall reaches the CCC the moment it opens, still unacknowledged', () => {
    const fall = openFall();
    expect(fall).toMatchObject({ state: 'open', severity: 'critical', escalationDestination: 'ccc' });
    expect(fall.escalatedAt).toEqual(NOW);
  });

  it.each(['acknowledged', 'escalated'] as const)(
    'HZ-17 R2 a second fall while the fall alert is %s reopens it unacknowledged and restarts escalation',
    (state) => {
      const existing = openFall({ state, acknowledgedAt: later(1), acknowledgedBy: 'n1' });
      const book = new EpisodeBook([existing], DEFAULT_ALERTING_POLICY, later(20));
      book.apply(P, fallFinding(later(19)));
      const { save, events, audits } = book.changes();
      expect(save[0]).toMatchObject({ id: existing.id, state: 'open', attentionSince: later(20) });
      expect(events.map((e) => [e.type, e.alert.state])).toEqual([['alert.updated', 'open']]);
      expect(audits.map((a) => [a.action, a.fromState, a.toState])).toEqual([
        ['reopened-on-new-event', state, 'open'],
      ]);
    },
  );

  it('HZ-17 HZ-18 R2 R3 a fall while the fall alert is snoozed breaks the snooze and reopens it', () => {
    const existing = openFall({
      state: 'acknowledged',
      snoozedUntil: later(60),
      snoozedBy: 'n1',
      snoozeSeverity: 'critical',
    });
    const book = new EpisodeBook([existing], DEFAULT_ALERTING_POLICY, later(5));
    book.apply(P, fallFinding(later(5)));
    const { save, audits } = book.changes();
    expect(save[0]).toMatchObject({ state: 'open', snoozedUntil: null });
    expect(audits.map((a) => a.action)).toEqual(['snooze-broken', 'reopened-on-new-event']);
  });

  it('HZ-09 a finding of the same severity updates the episode quietly; a person-owned episode never closes itself', () => {
    const med = alertRecord({}, NOW);
    const acked: AlertRecord = { ...med, state: 'acknowledged' };
    const book = new EpisodeBook(
      [acked],
      { ...DEFAULT_ALERTING_POLICY, hysteresis: { clearMinutes: 0, clearReadings: 1 } },
      later(30),
    );
    book.apply(P, { active: false, rule: DETERIORATION, subject: '', at: later(30) });
    expect(book.changes().save[0].state).toBe('acknowledged');
  });
});

describe('EpisodeBook: an acknowledged alert whose condition cleared and came back', () => {
  const active = (at: Date): ActiveFinding => ({
    active: true,
    rule: DETERIORATION,
    subject: '',
    severity: 'medium',
    reason: 'NEWS2 5',
    band: 'medium',
    news2Total: 5,
    partial: false,
    triggeringParameters: [],
    at,
  });
  const acked = (): AlertRecord => ({
    ...alertRecord({}, NOW),
    state: 'acknowledged',
    acknowledgedAt: later(1),
    acknowledgedBy: 'n1',
  });
  /** The acknowledged alert after `clears` clear readings `gap` minutes apart, then the condition again. */
  function recurAfter(clears: number, gap: number) {
    let record = acked();
    for (let i = 1; i <= clears; i += 1) {
      const book = new EpisodeBook([record], DEFAULT_ALERTING_POLICY, later(i * gap));
      book.apply(P, { active: false, rule: DETERIORATION, subject: '', at: later(i * gap) });
      record = book.changes().save[0];
    }
    const at = later((clears + 1) * gap);
    const book = new EpisodeBook([record], DEFAULT_ALERTING_POLICY, at);
    book.apply(P, active(at));
    return book.changes();
  }

  it('HZ-09 HZ-10 R2 one that had been clear long enough to have closed itself, had no one owned it, reopens when the condition returns, announced', () => {
    // Hysteresis: clear for 15 minutes over 3 readings.
    const { save, events, audits } = recurAfter(4, 10);
    expect(save[0]).toMatchObject({ state: 'open', conditionActive: true, attentionSince: later(50) });
    expect(audits.map((a) => [a.action, a.fromState, a.toState])).toEqual([
      ['reopened-on-recurrence', 'acknowledged', 'open'],
    ]);
    expect(events.map((e) => e.type)).toEqual(['alert.updated']);
  });

  it('HZ-09 one flapping at its threshold (clear too briefly) stays acknowledged, its re-prompt timer still running', () => {
    const { save, audits } = recurAfter(2, 5);
    expect(save[0]).toMatchObject({ state: 'acknowledged', conditionActive: true });
    expect(audits).toEqual([]);
  });
});

describe('EpisodeBook: the last reading of an alert about readings that did not come', () => {
  const scheduled = patient({
    monitoring: { requiredParameters: ['spo2', 'heartRate'], intervalMinutes: 240, graceMinutes: 30 },
  });
  const lastSpo2 = new Date(NOW.getTime() - 6 * 60 * 60_000);

  it('HZ-06 an overdue-reading alert shows the overdue parameter’s last reading, not the tick that found it, and keeps it on later ticks', () => {
    const measured = new Map([
      ['spo2', lastSpo2],
      ['heartRate', new Date(NOW.getTime() - 10 * 60_000)],
    ]);
    const first = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
    first.apply(scheduled, evaluateOverdueReading(scheduled, measured, NOW)!);
    const [opened] = first.changes().save;
    expect(opened).toMatchObject({ ruleId: 'overdue-reading', lastObservationAt: lastSpo2 });
    // Ten minutes later, still no SpO2: the alert's last reading is still six hours (and ten minutes) old.
    const next = new EpisodeBook([opened], DEFAULT_ALERTING_POLICY, later(10));
    next.apply(scheduled, evaluateOverdueReading(scheduled, measured, later(10))!);
    expect(next.changes().save[0]).toMatchObject({ id: opened.id, lastObservationAt: lastSpo2 });
    // Never measured since admission: no last reading, not "just now".
    const never = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
    never.apply(scheduled, evaluateOverdueReading(scheduled, new Map(), NOW)!);
    expect(never.changes().save[0].lastObservationAt).toBeNull();
  });

  it('HZ-06 a device-offline alert shows when the device was last heard from; one whose record took a tick for a reading is put right', () => {
    const device = {
      deviceId: 'ox-1',
      patientId: P.patientId,
      wardId: P.wardId,
      lastSeenAt: lastSpo2,
      boundFrom: new Date('2026-11-01T00:00:00Z'),
    };
    const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
    book.apply(device, evaluateDeviceOffline(device, NOW, 60)!);
    const [opened] = book.changes().save;
    expect(opened.lastObservationAt).toEqual(lastSpo2);
    const stored = { ...opened, lastObservationAt: NOW }; // as written before this fix
    const next = new EpisodeBook([stored], DEFAULT_ALERTING_POLICY, later(5));
    next.apply(device, evaluateDeviceOffline(device, later(5), 60)!);
    expect(next.changes().save[0].lastObservationAt).toEqual(lastSpo2);
  });
});
