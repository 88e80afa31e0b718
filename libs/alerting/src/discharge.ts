import type { AlertRecord } from './alert-record';

/**
 * R14: a patient leaves the ward only when no alert of theirs is left unresolved: each is resolved or
 * handed over (resolved at discharge with a handover note, by the person discharging). Returns the
 * alerts that stand in the way.
 */
export function dischargeBlockers(alerts: readonly Pick<AlertRecord, 'id' | 'state'>[]): string[] {
  return alerts.filter((a) => a.state !== 'resolved').map((a) => a.id);
}
