import type { CareHomeFallView } from '@vigil/contracts';

/** Where a fall is now, in words care-home staff use. */
export function fallStatus(f: CareHomeFallView): string {
  const { state } = f.alert;
  if (state === 'resolved') return 'Resolved';
  if (state === 'acknowledged') return f.with === 'care-home' ? 'Acknowledged by the home' : 'Acknowledged';
  if (f.with === 'care-home') return 'Waiting for the home to acknowledge';
  if (f.with === 'virtual-ward') return 'Not acknowledged in time: sent to the virtual ward';
  return 'Escalated to the care coordination centre';
}

/** "4.5 minutes", "1 minute", "–". */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return '–';
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
