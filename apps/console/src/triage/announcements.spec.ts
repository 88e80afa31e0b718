import type { AlertView } from '@vigil/contracts';
import { announcementFor, announceStep } from './announcements';

type Row = Pick<AlertView, 'id' | 'severity' | 'openedAt' | 'attentionSince' | 'reason' | 'patient'>;
const patient = { id: 'p1', givenName: 'Ada', familyName: 'Lovelace', nhsNumber: '9434765919' };
const fall = (attentionSince: string, severity: Row['severity'] = 'critical'): Row => ({
  id: 'fall-1',
  severity,
  openedAt: '2026-11-30T09:00:00Z',
  attentionSince,
  reason: 'Fall detected',
  patient,
});

describe('announcementFor', () => {
  it('announces nothing on the first load', () => {
    expect(announcementFor(null, [fall('2026-11-30T09:00:00Z')]).text).toBeNull();
  });

  it('HZ-17 R2 a second fall on an acknowledged fall alert (same id) is announced as needing attention again', () => {
    const first = announcementFor(null, [fall('2026-11-30T09:00:00Z')]);
    const again = announcementFor(first.seen, [fall('2026-11-30T09:40:00Z')]);
    expect(again.text).toBe('Alert needs attention again. critical alert for LOVELACE, Ada: Fall detected');
    // Once announced it is seen: the next refetch of the same list is silent.
    expect(announcementFor(again.seen, [fall('2026-11-30T09:40:00Z')]).text).toBeNull();
  });

  it('a worsening that also moves attention is announced once, as a worsening', () => {
    const first = announcementFor(null, [fall('2026-11-30T09:00:00Z', 'high')]);
    const worse = announcementFor(first.seen, [fall('2026-11-30T09:10:00Z', 'critical')]);
    expect(worse.text).toBe('Alert worsened. critical alert for LOVELACE, Ada: Fall detected');
  });

  it('announces a new alert beside a renewed one', () => {
    const first = announcementFor(null, [fall('2026-11-30T09:00:00Z')]);
    const other: Row = { ...fall('2026-11-30T09:30:00Z', 'medium'), id: 'det-1', reason: 'NEWS2 5' };
    const next = announcementFor(first.seen, [fall('2026-11-30T09:30:00Z'), other]);
    expect(next.text).toBe(
      'New alert. medium alert for LOVELACE, Ada: NEWS2 5. ' +
        'Alert needs attention again. critical alert for LOVELACE, Ada: Fall detected',
    );
  });
});

describe('announceStep (the queue, across a change of ward)', () => {
  const onWardA = fall('2026-11-30T09:00:00Z');
  const wardB: Row[] = [
    { ...fall('2026-11-30T08:00:00Z', 'medium'), id: 'b-1', reason: 'NEWS2 5' },
    { ...fall('2026-11-30T08:30:00Z', 'low'), id: 'b-2', reason: 'Reading overdue' },
  ];

  it("HZ-02 choosing another ward does not announce its existing alerts as new, though the old ward's list stays on screen while it loads", () => {
    const a = announceStep(null, [onWardA], 'ward-a', false);
    expect(a.text).toBeNull();
    // keepPreviousData: ward A's list is shown under ward B until B's arrives (isPlaceholderData).
    const placeholder = announceStep(a.next, [onWardA], 'ward-b', true);
    expect(placeholder.text).toBeNull();
    const b = announceStep(placeholder.next, wardB, 'ward-b', false);
    expect(b.text).toBeNull();
    // From then on ward B's changes are announced as usual.
    const fresh: Row = { ...fall('2026-11-30T09:50:00Z', 'high'), id: 'b-3', reason: 'NEWS2 7' };
    expect(announceStep(b.next, [...wardB, fresh], 'ward-b', false).text).toBe(
      'New alert. high alert for LOVELACE, Ada: NEWS2 7',
    );
  });
});
