import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DischargePatientRequest, PatientSummary } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/http.client';
import { keys, usePatientAlerts } from '../api/queries';
import { TextAreaForm } from '../alerts/TextAreaForm';
import { reasonLines } from '../alerts/alert-permissions';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { formatDateTime, patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { severityLabel } from '../triage/AlertStatus';
import { dischargeBlockerAlerts, dischargeRequest } from './discharge';

/**
 * R14: discharging shows the patient's unresolved alerts first. With none, a plain confirmation; with
 * some, a handover note is required, and each of them is resolved with it by the api.
 */
export function DischargePanel({
  patient,
  onDischarged,
  onCancel,
}: {
  patient: PatientSummary;
  onDischarged: () => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const alerts = usePatientAlerts(patient.id);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [patient.id]);
  const discharge = useMutation({
    mutationFn: (body: DischargePatientRequest) =>
      api.post<unknown>(`/patients/${patient.id}/discharge`, body),
    onSuccess: onDischarged,
    // A new alert may have opened meanwhile (the api then refuses): show the fresh list either way.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.patients }),
        queryClient.invalidateQueries({ queryKey: keys.alerts }),
      ]),
  });
  const name = patientName(patient);
  return (
    <section className="nhsuk-card" aria-labelledby="discharge-heading" data-testid="discharge-panel">
      <div className="nhsuk-card__content">
        <h2 id="discharge-heading" className="nhsuk-card__heading" tabIndex={-1} ref={heading}>
          Discharge {name}
        </h2>
        <PageState query={alerts}>
          {(list) => {
            const blockers = dischargeBlockerAlerts(list);
            const send = (note: string) => {
              const request = dischargeRequest(blockers.length, note);
              if (request.body) discharge.mutate(request.body);
            };
            return blockers.length === 0 ? (
              <>
                <p className="nhsuk-body">{name} has no open alerts.</p>
                <ApiErrorMessage error={discharge.error} />
                <Button type="button" warning disabled={discharge.isPending} onClick={() => send('')}>
                  Confirm discharge
                </Button>{' '}
                <Button type="button" secondary onClick={onCancel}>
                  Cancel
                </Button>
              </>
            ) : (
              <>
                <p className="nhsuk-body">
                  {blockers.length === 1 ? 'This alert is' : `These ${blockers.length} alerts are`} still
                  open. Resolve {blockers.length === 1 ? 'it' : 'them'} first, or write a handover note: each
                  will be resolved with it, in your name.
                </p>
                <ul className="nhsuk-list nhsuk-list--bullet" data-testid="discharge-blockers">
                  {blockers.map((a) => (
                    <li key={a.id}>
                      <Link to={`/alerts/${a.id}`}>
                        {severityLabel(a.severity)} alert, {a.state}, opened {formatDateTime(a.openedAt)}
                      </Link>
                      : {reasonLines(a).join('; ')}
                    </li>
                  ))}
                </ul>
                <TextAreaForm
                  id="handover-note"
                  label="Handover note"
                  hint="Who takes over each open alert, and what they need to know."
                  submitLabel="Hand over alerts and discharge"
                  validate={(note) => dischargeRequest(blockers.length, note).error}
                  onSubmit={send}
                  pending={discharge.isPending}
                  serverError={discharge.error}
                  warning
                />
                <Button type="button" secondary onClick={onCancel}>
                  Cancel
                </Button>
              </>
            );
          }}
        </PageState>
      </div>
    </section>
  );
}
