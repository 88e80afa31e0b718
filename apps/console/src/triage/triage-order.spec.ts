import type { AlertSummary } from '@vigil/contracts';
import { newAlertIds, sortTriage } from './triage-order';

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
