import type { AlertView } from '@vigil/contracts';
import { announcementFor } from './announcements';

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
