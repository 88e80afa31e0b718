import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DischargeResult, PathwayDischargeRequest } from '@vigil/contracts';
import { DISCHARGE_OUTCOME_LABELS } from '@vigil/pathways';
import { BackLink, Button, WarningCallout } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, errorMessage } from '../api/http.client';
import { keys, usePatient } from '../api/queries';
import { ErrorSummary } from '../common/ErrorSummary';
import { patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { SelectField } from '../common/SelectField';
import { usePlan } from './pathway-queries';

const OUTCOMES = Object.entries(DISCHARGE_OUTCOME_LABELS).map(([value, label]) => ({ value, label }));
const RETURNS = [
  { value: 'returned', label: 'Devices returned' },
  { value: 'collection-booked', label: 'Collection booked' },
  { value: 'not-applicable', label: 'No devices issued' },
];

/** Discharge from a pathway: criteria, outcome, device return, R14 hand-over, then the FHIR summary. */
export function DischargePage() {
  const { patientId = '' } = useParams();
  const patient = usePatient(patientId, false);
  const plan = usePlan(patientId);
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const [deviceReturn, setDeviceReturn] = useState('');
  const [note, setNote] = useState('');
  const [handover, setHandover] = useState('');
  const [errors, setErrors] = useState<{ href: string; message: string }[]>([]);
  const discharge = useMutation({
    mutationFn: (body: PathwayDischargeRequest) =>
      api.post<DischargeResult>(`/patients/${patientId}/pathway-discharge`, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.patients });
      await queryClient.invalidateQueries({ queryKey: keys.alerts });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = [
      ...(outcome ? [] : [{ href: 'discharge-outcome', message: 'Select the outcome of the stay' }]),
      ...(deviceReturn ? [] : [{ href: 'discharge-devices', message: 'Select what happens to the devices' }]),
    ];
    setErrors(problems);
    if (problems.length > 0) return;
    discharge.mutate({
      outcome: outcome as PathwayDischargeRequest['outcome'],
      deviceReturn: deviceReturn as PathwayDischargeRequest['deviceReturn'],
      note: note.trim(),
      ...(handover.trim() ? { handoverNote: handover.trim() } : {}),
    });
  };
  const shown = [
    ...errors,
    ...(discharge.isError ? [{ href: 'discharge-outcome', message: errorMessage(discharge.error) }] : []),
  ];
  const errorFor = (id: string) => shown.find((x) => x.href === id)?.message;
  return (
    <PageState query={patient}>
      {(p) => (
        <>
          <BackLink asElement={Link} to={`/patients/${p.id}`}>
            Back to the patient
          </BackLink>
          <h1>Discharge {patientName(p)}</h1>
          {discharge.data ? (
            <DischargeDone result={discharge.data} />
          ) : (
            <>
              {plan.data && (
                <WarningCallout data-testid="discharge-criteria">
                  <WarningCallout.Heading>
                    {plan.data.dischargeReadiness.met
                      ? 'Discharge criteria met'
                      : 'Discharge criteria not all met'}
                  </WarningCallout.Heading>
                  <p>{plan.data.discharge.text}</p>
                  <ul>
                    {plan.data.dischargeReadiness.checks.map((c) => (
                      <li key={c.text}>
                        {c.met ? 'Met' : 'Not met'}: {c.text}
                      </li>
                    ))}
                  </ul>
                </WarningCallout>
              )}
              <form onSubmit={submit} noValidate aria-label="Discharge">
                <ErrorSummary errors={shown} />
                <SelectField
                  id="discharge-outcome"
                  label="Outcome"
                  value={outcome}
                  choices={OUTCOMES}
                  onChange={setOutcome}
                  placeholder="Select outcome"
                  error={errorFor('discharge-outcome')}
                />
                <SelectField
                  id="discharge-devices"
                  label="Devices"
                  value={deviceReturn}
                  choices={RETURNS}
                  onChange={setDeviceReturn}
                  placeholder="Select"
                  error={errorFor('discharge-devices')}
                />
                <div className="nhsuk-form-group">
                  <label className="nhsuk-label" htmlFor="discharge-note">
                    Note for the GP (optional)
                  </label>
                  <textarea
                    className="nhsuk-textarea"
                    id="discharge-note"
                    rows={3}
                    value={note}
                    onChange={(e) => setNote(e.target.value)}
                  />
                </div>
                <div className="nhsuk-form-group">
                  <label className="nhsuk-label" htmlFor="discharge-handover">
                    Handover note (only if alerts are still open)
                  </label>
                  <div className="nhsuk-hint" id="discharge-handover-hint">
                    Open alerts block a discharge unless you hand them over with a note.
                  </div>
                  <textarea
                    className="nhsuk-textarea"
                    id="discharge-handover"
                    rows={2}
                    aria-describedby="discharge-handover-hint"
                    value={handover}
                    onChange={(e) => setHandover(e.target.value)}
                  />
                </div>
                <Button type="submit" warning disabled={discharge.isPending}>
                  Discharge and create summary
                </Button>
              </form>
            </>
          )}
        </>
      )}
    </PageState>
  );
}

function DischargeDone({ result }: { result: DischargeResult }) {
  const bundle = result.summary as {
    type?: string;
    entry?: { resource: { resourceType: string; title?: string } }[];
  };
  const composition = bundle.entry?.[0]?.resource;
  const href = `data:application/fhir+json;charset=utf-8,${encodeURIComponent(JSON.stringify(result.summary, null, 2))}`;
  return (
    <div data-testid="discharge-done">
      <p className="nhsuk-body" role="status">
        Discharged: {DISCHARGE_OUTCOME_LABELS[result.outcome]}.
      </p>
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Discharge summary</dt>
          <dd className="nhsuk-summary-list__value" data-testid="summary-title">
            {composition?.title ?? 'FHIR document'} (FHIR R4 {bundle.type} Bundle, {bundle.entry?.length ?? 0}{' '}
            entries)
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Encounter</dt>
          <dd className="nhsuk-summary-list__value" data-testid="summary-encounter">
            {result.encounterId}
          </dd>
        </div>
      </dl>
      <a className="nhsuk-link" href={href} download={`discharge-summary-${result.encounterId}.json`}>
        Download the discharge summary (FHIR JSON) for the GP
      </a>
    </div>
  );
}
