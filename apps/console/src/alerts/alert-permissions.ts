import {
  type AlertAction as DomainAction,
  type AlertRecord,
  allowedActions,
  DEFAULT_ALERTING_POLICY,
  maxSnoozeMinutes,
  newAlertRecord,
} from '@vigil/alerting';
import type { AlertSummary, UserRole } from '@vigil/contracts';
import { localiseInstants } from '../common/format';

const date = (iso: string | null): Date | null => (iso ? new Date(iso) : null);

/**
 * The alert as `@vigil/alerting` models it, from what the api sends. Bookkeeping the summary does not
 * carry (hysteresis, who escalated or snoozed) stays at its start value: the permission checks use the
 * state and severity only.
 */
export function alertRecordOf(a: AlertSummary): AlertRecord {
  return {
    ...newAlertRecord({
      id: a.id,
      patientId: a.patientId,
      wardId: a.wardId,
      ruleId: a.ruleId,
      ruleVersion: a.ruleVersion,
      subject: '',
      kind: a.kind,
      severity: a.severity,
      reason: a.reason,
      reasons: a.reasons,
      band: a.band,
      news2Total: a.news2Total,
      partial: a.partial,
      triggeringParameters: a.triggeringParameters,
      lastObservationAt: date(a.lastObservationAt),
      at: new Date(a.openedAt),
    }),
    state: a.state,
    updatedAt: new Date(a.updatedAt),
    attentionSince: new Date(a.attentionSince ?? a.openedAt),
    assignedTo: a.assignedTo,
    acknowledgedAt: date(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    escalatedAt: date(a.escalatedAt),
    escalationReason: a.escalationReason,
    resolvedAt: date(a.resolvedAt),
    resolutionNote: a.resolutionNote,
    snoozedUntil: date(a.snoozedUntil),
    // Issue 13: enough of the ladder for the permission check (is there a tier above this one?).
    tier: a.tier,
    tierSince: date(a.tierSince),
    ladder: a.tier
      ? [
          { tier: a.tier, responseMinutes: a.tierTargetMinutes ?? 1 },
          ...(a.nextTier ? [{ tier: a.nextTier, responseMinutes: 1 }] : []),
        ]
      : null,
    outcome: a.outcome,
  };
}

/**
 * R3: the actions this role may take on this alert now, decided by the same function the api uses, so
 * the console never offers what the server would refuse (no Snooze on a fall or a NEWS2 ≥ 7 alert).
 */
export function actionsFor(a: AlertSummary, role: UserRole): ReadonlySet<DomainAction> {
  return new Set(allowedActions(alertRecordOf(a), role, DEFAULT_ALERTING_POLICY));
}

const SNOOZE_STEPS = [15, 30, 60, 120, 240, 480] as const;

/** R3: snooze lengths offered for this alert, bounded per severity; empty when it cannot be snoozed. */
export function snoozeChoices(a: Pick<AlertSummary, 'severity'>): number[] {
  const max = maxSnoozeMinutes(a, DEFAULT_ALERTING_POLICY);
  if (max === null) return [];
  const steps = SNOOZE_STEPS.filter((m) => m <= max);
  return steps.length > 0 ? steps : [max];
}

/**
 * Every reason behind an alert, one line each (alerts stored before reasons existed have the one), with the
 * instants in them in UK time like every other time in the console (HZ-06).
 */
export function reasonLines(a: Pick<AlertSummary, 'reason' | 'reasons'>): string[] {
  return (a.reasons.length > 0 ? a.reasons.map((r) => r.text) : [a.reason]).map(localiseInstants);
}
