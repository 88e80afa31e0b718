import type { MissedCheckInView } from '@vigil/contracts';
import { byCoordinatorThenAge, lastContactText, missedBadgeText, OUTCOME_LABELS } from './smi-text';

const missed = (over: Partial<MissedCheckInView>): MissedCheckInView => ({
  id: 'm1',
  patientId: 'p1',
  givenName: 'Sam',
  familyName: 'Lee',
  dueAt: '2026-12-01T09:00:00Z',
  missedAt: '2026-12-03T09:00:00Z',
  escalatedAt: '2026-12-03T09:01:00Z',
  coordinatorName: 'Jo Rivers',
  coordinatorContact: '01632 960 001',
  mine: false,
  lastCheckInAt: null,
  lastContact: null,
  ...over,
});

describe('missed SMI check-ins in words (HZ-66)', () => {
  it('says plainly that no answer keeps the person on the list', () => {
    expect(OUTCOME_LABELS['no-answer']).toMatch(/stays on this list/);
  });

  it('shows the last contact with who, what and the note, or that there was none', () => {
    expect(lastContactText(missed({}))).toBe('None recorded');
    const text = lastContactText(
      missed({
        lastContact: {
          at: '2026-12-03T14:05:00Z',
          by: 'u1',
          byName: 'Nurse A',
          outcome: 'no-answer',
          note: ' Rang twice ',
        },
      }),
    );
    expect(text).toMatch(/Nurse A: No answer – Rang twice$/);
  });

  it('lists the coordinator’s own first, then the longest missed', () => {
    const order = byCoordinatorThenAge([
      missed({ id: 'newer', missedAt: '2026-12-04T09:00:00Z' }),
      missed({ id: 'older', missedAt: '2026-12-02T09:00:00Z' }),
      missed({ id: 'mine', mine: true, missedAt: '2026-12-05T09:00:00Z' }),
    ]).map((m) => m.id);
    expect(order).toEqual(['mine', 'older', 'newer']);
  });

  it('counts for the header badge', () => {
    expect(missedBadgeText(1)).toBe('1 missed check-in');
    expect(missedBadgeText(3)).toBe('3 missed check-ins');
  });
});
