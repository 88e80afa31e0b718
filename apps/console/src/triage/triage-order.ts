import {
  severityRank,
  type AlertSeverity,
  type AlertState,
  type AlertSummary,
  type User,
} from '@vigil/contracts';

const STATE_ORDER: Readonly<Record<AlertState, number>> = {
  open: 0,
  acknowledged: 1,
  escalated: 2,
  resolved: 3,
};

type Sortable = Pick<AlertSummary, 'id' | 'state' | 'severity' | 'openedAt'>;

/**
 * Open alerts first (nobody has looked at them), then by severity, then the oldest first: the
 * longest-waiting alert of a given urgency is the one most at risk of being missed.
 */
export function compareTriage(a: Sortable, b: Sortable): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    severityRank(a.severity) - severityRank(b.severity) ||
    Date.parse(a.openedAt) - Date.parse(b.openedAt) ||
    a.id.localeCompare(b.id)
  );
}

export function sortTriage<T extends Sortable>(alerts: readonly T[]): T[] {
  return [...alerts].sort(compareTriage);
}

/** Ids present now that were not before: what the live region announces. None on the first load. */
export function newAlertIds(
  previous: ReadonlySet<string> | null,
  current: readonly { id: string }[],
): string[] {
  if (previous === null) return [];
  return current.filter((a) => !previous.has(a.id)).map((a) => a.id);
}

/**
 * Ids seen before whose severity is now worse: a worsening updates the same episode (same id, reopened
 * if it was acknowledged), so without this a rise from an urgent to an emergency response would go
 * unannounced. None on the first load.
 */
export function worsenedAlertIds(
  previous: ReadonlyMap<string, AlertSeverity> | null,
  current: readonly { id: string; severity: AlertSeverity }[],
): string[] {
  if (previous === null) return [];
  return current
    .filter((a) => {
      const before = previous.get(a.id);
      return before !== undefined && severityRank(a.severity) < severityRank(before);
    })
    .map((a) => a.id);
}

type Attention = Pick<AlertSummary, 'id' | 'openedAt' | 'attentionSince'>;

/** When an alert last asked for attention; alerts stored before the field existed count from opening. */
export function attentionOf(a: Pick<AlertSummary, 'openedAt' | 'attentionSince'>): string {
  return a.attentionSince ?? a.openedAt;
}

/**
 * R2: ids seen before whose `attentionSince` moved later: the same episode asks for attention again (a
 * second fall re-opened it, or its cause persisted and it re-prompted). Same id, so `newAlertIds` misses
 * it, and the severity may not have changed, so `worsenedAlertIds` may too. None on the first load.
 */
export function renewedAlertIds(
  previous: ReadonlyMap<string, string> | null,
  current: readonly Attention[],
): string[] {
  if (previous === null) return [];
  return current
    .filter((a) => {
      const before = previous.get(a.id);
      return before !== undefined && Date.parse(attentionOf(a)) > Date.parse(before);
    })
    .map((a) => a.id);
}

/**
 * Nurses and clinicians see the alerts of their wards only: on no ward, their queue is empty whatever
 * happens, and "No active alerts" would read as all quiet.
 */
export function seesNoWard(user: Pick<User, 'role' | 'wardIds'> | null): boolean {
  return user !== null && (user.role === 'nurse' || user.role === 'clinician') && user.wardIds.length === 0;
}
