import type { AlertSummary } from '@vigil/contracts';
import {
  attentionOf,
  newAlertIds,
  renewedAlertIds,
  seesNoWard,
  sortTriage,
  worsenedAlertIds,
} from './triage-order';

type Row = Pick<AlertSummary, 'id' | 'state' | 'severity' | 'openedAt'>;
const row = (id: string, state: Row['state'], severity: Row['severity'], openedAt: string): Row => ({
  id,
  state,
  severity,
  openedAt,
});

describe('sortTriage', () => {
  it('puts open alerts first, then by severity, then the oldest first', () => {
    const sorted = sortTriage([
      row('ack-critical', 'acknowledged', 'critical', '2026-11-30T09:00:00Z'),
      row('open-low', 'open', 'low', '2026-11-30T08:00:00Z'),
      row('open-high-new', 'open', 'high', '2026-11-30T09:30:00Z'),
      row('open-high-old', 'open', 'high', '2026-11-30T09:00:00Z'),
      row('open-critical', 'open', 'critical', '2026-11-30T09:45:00Z'),
      row('escalated-high', 'escalated', 'high', '2026-11-30T07:00:00Z'),
    ]);
    expect(sorted.map((a) => a.id)).toEqual([
      'open-critical',
      'open-high-old',
      'open-high-new',
      'open-low',
      'ack-critical',
      'escalated-high',
    ]);
  });

  it('does not mutate its input', () => {
    const input = [
      row('b', 'open', 'low', '2026-11-30T09:00:00Z'),
      row('a', 'open', 'high', '2026-11-30T09:00:00Z'),
    ];
    sortTriage(input);
    expect(input.map((a) => a.id)).toEqual(['b', 'a']);
  });
});

describe('newAlertIds', () => {
  it('announces nothing on the first load', () => {
    expect(newAlertIds(null, [{ id: 'a' }])).toEqual([]);
  });

  it('returns only ids not seen before', () => {
    expect(newAlertIds(new Set(['a']), [{ id: 'a' }, { id: 'b' }])).toEqual(['b']);
  });
});

describe('worsenedAlertIds', () => {
  it('HZ-02 an alert whose severity worsens in the same episode (NEWS2 medium to high) is announced again', () => {
    const seen = new Map([
      ['a', 'medium' as const],
      ['b', 'high' as const],
    ]);
    expect(
      worsenedAlertIds(seen, [
        { id: 'a', severity: 'high' },
        { id: 'b', severity: 'high' },
      ]),
    ).toEqual(['a']);
  });

  it('announces nothing on the first load, for a new id, or for an alert that got better', () => {
    expect(worsenedAlertIds(null, [{ id: 'a', severity: 'high' }])).toEqual([]);
    const seen = new Map([['a', 'high' as const]]);
    expect(
      worsenedAlertIds(seen, [
        { id: 'a', severity: 'medium' },
        { id: 'new', severity: 'critical' },
      ]),
    ).toEqual([]);
  });
});

describe('renewedAlertIds', () => {
  const opened = '2026-11-30T09:00:00Z';

  it('HZ-17 R2 a second fall re-opens the same alert (same id, same severity): it is announced again', () => {
    const seen = new Map([
      ['fall', '2026-11-30T09:00:00.000Z'],
      ['quiet', '2026-11-30T09:00:00.000Z'],
    ]);
    const now = [
      { id: 'fall', openedAt: opened, attentionSince: '2026-11-30T09:40:00.000Z' },
      { id: 'quiet', openedAt: opened, attentionSince: '2026-11-30T09:00:00.000Z' },
    ];
    expect(renewedAlertIds(seen, now)).toEqual(['fall']);
    // Same severity throughout: the worsening check alone would have stayed silent.
    expect(
      worsenedAlertIds(new Map([['fall', 'critical' as const]]), [{ id: 'fall', severity: 'critical' }]),
    ).toEqual([]);
  });

  it('HZ-17 HZ-21 R2 R5 a re-prompt (attention moves later while the alert stays acknowledged) is announced again', () => {
    const seen = new Map([['a', attentionOf({ openedAt: opened })]]);
    expect(
      renewedAlertIds(seen, [{ id: 'a', openedAt: opened, attentionSince: '2026-11-30T10:00:00Z' }]),
    ).toEqual(['a']);
  });

  it('announces nothing on the first load, for a new id, or when attention did not move', () => {
    expect(renewedAlertIds(null, [{ id: 'a', openedAt: opened, attentionSince: opened }])).toEqual([]);
    const seen = new Map([['a', '2026-11-30T09:00:00.000Z']]);
    expect(
      renewedAlertIds(seen, [
        { id: 'a', openedAt: opened, attentionSince: '2026-11-30T09:00:00Z' },
        { id: 'b', openedAt: opened, attentionSince: '2026-11-30T11:00:00Z' },
      ]),
    ).toEqual([]);
  });

  it('counts an alert without attentionSince (stored before the field) from its opening', () => {
    expect(attentionOf({ openedAt: opened })).toBe(opened);
    expect(attentionOf({ openedAt: opened, attentionSince: '2026-11-30T09:30:00Z' })).toBe(
      '2026-11-30T09:30:00Z',
    );
  });
});

describe('seesNoWard', () => {
  it('HZ-02 a nurse or clinician on no ward is told so, never shown "No active alerts" as if all were quiet', () => {
    expect(seesNoWard({ role: 'nurse', wardIds: [] })).toBe(true);
    expect(seesNoWard({ role: 'clinician', wardIds: [] })).toBe(true);
  });

  it('is false for ward staff with a ward, and for admins and coordinators (not ward-scoped)', () => {
    expect(seesNoWard({ role: 'nurse', wardIds: ['w1'] })).toBe(false);
    expect(seesNoWard({ role: 'admin', wardIds: [] })).toBe(false);
    expect(seesNoWard({ role: 'coordinator', wardIds: [] })).toBe(false);
    expect(seesNoWard(null)).toBe(false);
  });
});
