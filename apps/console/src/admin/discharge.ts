import { dischargeBlockers } from '@vigil/alerting';
import type { AlertView, DischargePatientRequest } from '@vigil/contracts';

/** R14: the alerts that stand in the way of a discharge, most urgent first (by `@vigil/alerting`). */
export function dischargeBlockerAlerts<T extends Pick<AlertView, 'id' | 'state' | 'openedAt'>>(
  alerts: readonly T[],
): T[] {
  const blocking = new Set(dischargeBlockers(alerts));
  return alerts.filter((a) => blocking.has(a.id));
}

export const HANDOVER_NOTE_REQUIRED =
  'Enter a handover note: who takes over each open alert, and what they need to know';

/**
 * R14: with open alerts a discharge needs a handover note, which resolves each of them (the api checks
 * this again); without, an empty body.
 */
export function dischargeRequest(
  blockers: number,
  note: string,
): { error: string | null; body: DischargePatientRequest | null } {
  if (blockers === 0) return { error: null, body: {} };
  return note.trim().length === 0
    ? { error: HANDOVER_NOTE_REQUIRED, body: null }
    : { error: null, body: { handoverNote: note.trim() } };
}
