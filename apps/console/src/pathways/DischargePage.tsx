import type { AlertView, DischargeResult } from '@vigil/contracts';
import { DISCHARGE_OUTCOME_LABELS } from '@vigil/pathways';
import { BackLink, WarningCallout } from 'nhsuk-react-components';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { usePatient, usePatientAlerts } from '../api/queries';
import { dischargeBlockerAlerts } from '../admin/discharge';
import { reasonLines } from '../alerts/alert-permissions';
import { formatDateTime, patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { useLive } from '../live/LiveContext';
import { severityLabel } from '../triage/AlertStatus';
import { DischargeForm } from './DischargeForm';
import { usePlan } from './pathway-queries';

/** Discharge from a pathway: criteria, outcome, device return, R14 hand-over, then the FHIR summary. */
export function DischargePage() {
  const { patientId = '' } = useParams();
  const { connected } = useLive();
  const patient = usePatient(patientId, !connected);
  const plan = usePlan(patientId);
  // The alerts a discharge must hand over change as readings arrive: polled while the socket is down.
  const alerts = usePatientAlerts(patientId, !connected);
  const [result, setResult] = useState<DischargeResult | null>(null);
  return (
    <PageState query={patient}>
      {(p) => (
        <>
          <BackLink asElement={Link} to={`/patients/${p.id}`}>
            Back to the patient
          </BackLink>
          <h1>Discharge {patientName(p)}</h1>
          {result ? (
            <DischargeDone result={result} />
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
              <PageState query={alerts}>
                {(list) => {
                  const blockers = dischargeBlockerAlerts(list);
                  return (
                    <>
                      <OpenAlerts blockers={blockers} />
                      <DischargeForm
                        patientId={p.id}
                        blockers={blockers.length}
                        submitLabel="Discharge and create summary"
                        onDischarged={setResult}
                      />
                    </>
                  );
                }}
              </PageState>
            </>
          )}
        </>
      )}
    </PageState>
  );
}

/** R14: the alerts still open, each linked, before the discharge form asks for a handover note. */
export function OpenAlerts({ blockers }: { blockers: readonly AlertView[] }) {
  if (blockers.length === 0) return <p className="nhsuk-body">No open alerts.</p>;
  return (
    <>
      <p className="nhsuk-body">
        {blockers.length === 1 ? 'This alert is' : `These ${blockers.length} alerts are`} still open. Resolve{' '}
        {blockers.length === 1 ? 'it' : 'them'} first, or write a handover note: each will be resolved with
        it, in your name.
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
    </>
  );
}

export function DischargeDone({ result }: { result: DischargeResult }) {
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
