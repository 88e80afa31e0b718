import type { AlertOutcome, AlertSummary, SeenAlertRequest as SeenAlert } from '@vigil/contracts';

/*
 * HZ-10: an acknowledgement, snooze or resolution carries the alert as the person saw it when they chose to act
 * (`SeenAlertRequest`). The api refuses it (409 `alert-changed`) when the alert has since worsened or asked for
 * attention again, so an action never covers a severity nobody saw.
 */

/** What is on screen now: the severity shown, and when the alert last asked for attention. */
export function seenOf(alert: Pick<AlertSummary, 'severity' | 'attentionSince' | 'openedAt'>): SeenAlert {
  return { severity: alert.severity, attentionSince: alert.attentionSince ?? alert.openedAt };
}

export type AlertAction =
  | { kind: 'acknowledge'; seen: SeenAlert }
  | { kind: 'assign'; userId: string }
  | { kind: 'escalate'; reason: string; destination?: 'ccc' | 'next' }
  | { kind: 'resolve'; note: string; outcome: AlertOutcome; seen: SeenAlert }
  | { kind: 'snooze'; minutes: number; seen: SeenAlert };

/** The api request of an action (docs/api-surface.md). */
export function alertActionRequest(alertId: string, action: AlertAction): { path: string; body: unknown } {
  const path = `/alerts/${alertId}/${action.kind}`;
  switch (action.kind) {
    case 'acknowledge':
      return { path, body: { seen: action.seen } };
    case 'assign':
      return { path, body: { userId: action.userId } };
    case 'escalate':
      return { path, body: { reason: action.reason, destination: action.destination ?? 'ccc' } };
    case 'resolve':
      return { path, body: { note: action.note, outcome: action.outcome, seen: action.seen } };
    case 'snooze':
      return { path, body: { minutes: action.minutes, seen: action.seen } };
  }
}

/** True for the api's refusal of an action on an alert that changed since it was seen (HZ-10). */
export function isAlertChanged(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'alert-changed'
  );
}
