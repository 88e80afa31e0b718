import type { AlertSummary } from '@vigil/contracts';
import { newAlertIds, seesNoWard, sortTriage, worsenedAlertIds } from './triage-order';

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
