import type { AlertRecord } from './alert-record';
import { EpisodeBook } from './episodes';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { evaluateFall } from './rules/fall.rule';
import { alertRecord, ctx, patient, reading } from './rules/test-context';
import type { ActiveFinding } from './rules/rule';

const P = patient();
const NOW = new Date('2026-11-25T10:00:00Z');
const later = (min: number) => new Date(NOW.getTime() + min * 60_000);

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
    const rule = {
      id: 'deterioration',
      version: 1,
      kind: 'clinical',
      title: '',
      source: null,
      autoResolve: true,
    } as const;
    book.apply(P, { active: false, rule, subject: '', at: later(30) });
    expect(book.changes().save[0].state).toBe('acknowledged');
  });
});
