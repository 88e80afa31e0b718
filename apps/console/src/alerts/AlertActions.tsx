import type { AlertView, User } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { validateEscalationReason, validateResolveNote } from './alert-forms';
import { actionsFor, snoozeChoices } from './alert-permissions';
import { TextAreaForm } from './TextAreaForm';
import { ResolveForm } from './ResolveForm';
import { TIER_LABELS } from '@vigil/pathways';
import { isAlertChanged, seenOf } from './alert-action-request';
import { useAlertAction, type AlertAction } from './useAlertAction';

export function AlertActions({ alert, user }: { alert: AlertView; user: User }) {
  const action = useAlertAction(alert.id, alert.patientId);
  const choices = snoozeChoices(alert);
  const [chosen, setMinutes] = useState<number | null>(null);
  // The alert may have changed severity since a length was chosen: never send one it no longer allows.
  const minutes = chosen !== null && choices.includes(chosen) ? chosen : (choices[0] ?? 0);
  const [last, setLast] = useState<AlertAction['kind'] | null>(null);
  const run = (a: AlertAction) => {
    setLast(a.kind);
    action.mutate(a);
  };
  // HZ-10: a refusal because the alert changed since it was seen is shown above every action — the
  // refetched alert may no longer offer the one that was refused — and the page above shows it as it is now.
  const changed = action.isError && isAlertChanged(action.error) ? action.error : null;
  const errorFor = (kind: AlertAction['kind']) =>
    last === kind && action.isError && !changed ? action.error : null;

  if (alert.state === 'resolved') {
    return <p className="nhsuk-body">This alert is resolved.</p>;
  }
  // Only what @vigil/alerting allows this role in this state (R3: no Snooze on a fall or a high alert).
  const allowed = actionsFor(alert, user.role);
  const canOwn =
    allowed.has('assign') &&
    alert.state === 'escalated' &&
    (user.role === 'coordinator' || user.role === 'admin') &&
    alert.assignedTo !== user.id;
  const canSnooze = allowed.has('snooze') && choices.length > 0;
  // Issue 13: under a plan's ladder a person escalates to the next tier up, not straight to the CCC.
  const tierNext = alert.nextTier ?? null;

  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <ApiErrorMessage error={changed} />
      {action.isSuccess && last && (
        <p className="nhsuk-body" role="status">
          Done: {last === 'assign' ? 'you own this alert' : last}.
        </p>
      )}
      {alert.state === 'open' && allowed.has('acknowledge') && (
        <div className="nhsuk-u-margin-bottom-4">
          <ApiErrorMessage error={errorFor('acknowledge')} />
          <Button
            type="button"
            disabled={action.isPending}
            onClick={() => run({ kind: 'acknowledge', seen: seenOf(alert) })}
          >
            Acknowledge
          </Button>
        </div>
      )}
      {canOwn && (
        <div className="nhsuk-u-margin-bottom-4">
          <ApiErrorMessage error={errorFor('assign')} />
          <Button
            type="button"
            disabled={action.isPending}
            onClick={() => run({ kind: 'assign', userId: user.id })}
          >
            Take ownership
          </Button>
        </div>
      )}
      {allowed.has('escalate') && tierNext && (
        <div className="nhsuk-card nhsuk-u-margin-bottom-4">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">Escalate to the {TIER_LABELS[tierNext]}</h3>
            <TextAreaForm
              id="escalation-reason"
              label="Reason for escalation"
              hint="Say what you have seen and what you need from the next tier."
              submitLabel={`Escalate to ${TIER_LABELS[tierNext]}`}
              validate={validateEscalationReason}
              onSubmit={(reason) => run({ kind: 'escalate', reason, destination: 'next' })}
              pending={action.isPending}
              serverError={errorFor('escalate')}
            />
          </div>
        </div>
      )}
      {allowed.has('escalate') && !alert.tier && (
        <div className="nhsuk-card nhsuk-u-margin-bottom-4">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">Escalate to the Clinical Coordination Centre (CCC)</h3>
            <TextAreaForm
              id="escalation-reason"
              label="Reason for escalation"
              hint="Say what you have seen and what you need from the CCC."
              submitLabel="Escalate to CCC"
              validate={validateEscalationReason}
              onSubmit={(reason) => run({ kind: 'escalate', reason })}
              pending={action.isPending}
              serverError={errorFor('escalate')}
            />
          </div>
        </div>
      )}
      {canSnooze && (
        <div className="nhsuk-card nhsuk-u-margin-bottom-4">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">Snooze</h3>
            <ApiErrorMessage error={errorFor('snooze')} />
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="snooze-minutes">
                Snooze for
              </label>
              <select
                className="nhsuk-select"
                id="snooze-minutes"
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
              >
                {choices.map((m) => (
                  <option key={m} value={m}>
                    {m} minutes
                  </option>
                ))}
              </select>
            </div>
            <Button
              type="button"
              secondary
              disabled={action.isPending}
              onClick={() => run({ kind: 'snooze', minutes, seen: seenOf(alert) })}
            >
              Snooze
            </Button>
          </div>
        </div>
      )}
      {choices.length === 0 && (user.role === 'nurse' || user.role === 'clinician') && (
        <p className="nhsuk-body-s" data-testid="no-snooze">
          A {alert.severity} alert cannot be snoozed: it needs a person now.
        </p>
      )}
      {allowed.has('resolve') && (
        <div className="nhsuk-card">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-card__heading">Resolve</h3>
            <ResolveForm
              validateNote={validateResolveNote}
              onSubmit={(note, outcome) => run({ kind: 'resolve', note, outcome, seen: seenOf(alert) })}
              pending={action.isPending}
              serverError={errorFor('resolve')}
            />
          </div>
        </div>
      )}
    </section>
  );
}
