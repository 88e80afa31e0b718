import type { AlertView } from '@vigil/contracts';
import { ALERT_OUTCOME_LABELS, TIER_LABELS } from '@vigil/pathways';
import { formatAge } from '../common/format';
import { usePlan } from './pathway-queries';

/** Minutes left against the tier's response-time target, in words (negative: late). */
export function targetText(
  a: Pick<AlertView, 'tierSince' | 'tierTargetMinutes'>,
  now: number,
): string | null {
  if (!a.tierSince || a.tierTargetMinutes === null) return null;
  const due = Date.parse(a.tierSince) + a.tierTargetMinutes * 60_000;
  const left = Math.round((due - now) / 60_000);
  return left >= 0
    ? `respond within ${a.tierTargetMinutes} minutes: ${left} min left`
    : `respond within ${a.tierTargetMinutes} minutes: ${-left} min late`;
}

/**
 * Where escalation is decided (issue 13): the tier that must act, its response-time target, and the
 * patient's ReSPECT treatment-escalation ceiling.
 */
export function EscalationRows({ alert, now }: { alert: AlertView; now: number }) {
  const plan = usePlan(alert.patientId);
  const ceiling = plan.data?.ceiling ?? null;
  return (
    <>
      {alert.tier && (
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Escalation tier</dt>
          <dd className="nhsuk-summary-list__value" data-testid="alert-tier">
            {TIER_LABELS[alert.tier]}
            {alert.state !== 'resolved' && <div>{targetText(alert, now)}</div>}
            {alert.tierSince && <div>Since {formatAge(alert.tierSince, now)}</div>}
            {alert.nextTier && <div>Next if no one acts: {TIER_LABELS[alert.nextTier]}</div>}
          </dd>
        </div>
      )}
      {plan.data !== undefined && (
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Treatment ceiling (ReSPECT)</dt>
          <dd className="nhsuk-summary-list__value" data-testid="alert-ceiling">
            {ceiling ? ceiling.advice : 'Not recorded: escalate fully.'}
          </dd>
        </div>
      )}
      {alert.outcome && (
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Outcome</dt>
          <dd className="nhsuk-summary-list__value" data-testid="alert-outcome">
            {ALERT_OUTCOME_LABELS[alert.outcome]}
          </dd>
        </div>
      )}
    </>
  );
}
