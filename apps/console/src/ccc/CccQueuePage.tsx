import type { AlertView, EscalationTier } from '@vigil/contracts';
import { TIER_LABELS } from '@vigil/pathways';
import { targetText } from '../pathways/EscalationSummary';
import { Button } from 'nhsuk-react-components';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useCccQueue } from '../api/queries';
import { useAlertAction } from '../alerts/useAlertAction';
import { useCurrentUser } from '../auth/useAuth';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { displayNhsNumber, formatAge, patientName } from '../common/format';
import { News2Tag } from '../common/News2Tag';
import { PageState } from '../common/PageState';
import { QueueShortfall } from '../common/QueueShortfall';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';
import { severityLabel } from '../triage/AlertStatus';
import { sortTriage } from '../triage/triage-order';
import { useAnnounceNewAlerts } from '../triage/useAnnounceNewAlerts';

function TakeOwnership({ alert, userId }: { alert: AlertView; userId: string }) {
  const action = useAlertAction(alert.id, alert.patientId);
  if (alert.assignedTo === userId) return <span>You own this</span>;
  return (
    <>
      <ApiErrorMessage error={action.error} />
      <Button
        type="button"
        small
        secondary
        disabled={action.isPending}
        onClick={() => action.mutate({ kind: 'assign', userId })}
      >
        Take ownership
        <span className="nhsuk-u-visually-hidden">
          {' '}
          of alert for {alert.patient ? patientName(alert.patient) : 'patient'}
        </span>
      </Button>
    </>
  );
}

/**
 * Issue 13: the queue grouped by escalation tier, most urgent tier first (a recommendation for an urgent
 * community response or 999 above the CCC's own, above the clinician's); alerts without a plan's ladder
 * are the CCC's.
 */
export function groupByTier(
  alerts: readonly AlertView[],
): { tier: EscalationTier; label: string; alerts: AlertView[] }[] {
  const order: EscalationTier[] = ['urgent-response', 'ccc', 'ward-clinician', 'ward-nurse'];
  return order
    .map((tier) => ({
      tier,
      label: TIER_LABELS[tier],
      alerts: alerts.filter((a) => (a.tier ?? 'ccc') === tier),
    }))
    .filter((g) => g.alerts.length > 0);
}

/** Escalated cases across every ward, longest waiting first within each severity. */
export function CccQueuePage() {
  const user = useCurrentUser();
  const { connected } = useLive();
  const queue = useCccQueue(!connected);
  const now = useNow();
  const sorted = useMemo(() => (queue.data ? sortTriage(queue.data.items) : undefined), [queue.data]);
  const groups = useMemo(() => groupByTier(sorted ?? []), [sorted]);
  useAnnounceNewAlerts(sorted, 'ccc');
  return (
    <>
      <h1>Clinical Coordination Centre queue</h1>
      <PageState query={queue}>
        {(whole) =>
          !sorted || sorted.length === 0 ? (
            <p className="nhsuk-body" data-testid="ccc-empty">
              No escalated alerts.
            </p>
          ) : (
            <>
              <QueueShortfall
                queue={whole}
                what="escalated alert"
                hint="Resolve the alerts that are done with to see the rest."
              />
              {groups.map((group) => (
                <table
                  className="nhsuk-table vigil-queue"
                  data-testid="ccc-table"
                  key={group.tier}
                  data-tier={group.tier}
                >
                  <caption className="nhsuk-table__caption">
                    {group.label}: {group.alerts.length} escalated, by severity then time waiting
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Patient</th>
                      <th scope="col">Ward</th>
                      <th scope="col">Severity and NEWS2</th>
                      <th scope="col">Escalation</th>
                      <th scope="col">Owner</th>
                      <th scope="col">
                        <span className="nhsuk-u-visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.alerts.map((a) => (
                      <tr key={a.id} data-testid="ccc-row" data-alert-id={a.id}>
                        <td>
                          {a.patient ? patientName(a.patient) : 'Unknown patient'}
                          <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                            NHS number: {a.patient ? displayNhsNumber(a.patient.nhsNumber) : '–'}
                          </div>
                        </td>
                        <td>{a.wardName}</td>
                        <td>
                          <strong>{severityLabel(a.severity)}</strong>
                          <div>
                            <News2Tag total={a.news2Total} band={a.band} partial={a.partial} />
                          </div>
                        </td>
                        <td>
                          <span data-testid="escalated-age">Escalated {formatAge(a.escalatedAt, now)}</span>
                          <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">{a.escalationReason}</div>
                          {targetText(a, now) && (
                            <div className="nhsuk-body-s nhsuk-u-margin-bottom-0" data-testid="tier-target">
                              <strong>Target:</strong> {targetText(a, now)}
                            </div>
                          )}
                        </td>
                        <td>{user && <TakeOwnership alert={a} userId={user.id} />}</td>
                        <td>
                          <Link to={`/alerts/${a.id}`}>
                            Open alert
                            <span className="nhsuk-u-visually-hidden">
                              {' '}
                              for {a.patient ? patientName(a.patient) : 'patient'}
                            </span>
                          </Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
            </>
          )
        }
      </PageState>
    </>
  );
}
