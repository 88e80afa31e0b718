import { severityRank, type AlertState, type AlertSummary } from '@vigil/contracts';

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
