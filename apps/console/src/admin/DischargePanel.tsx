import type { DischargeResult, PatientSummary } from '@vigil/contracts';
import { useEffect, useRef } from 'react';
import { usePatientAlerts } from '../api/queries';
import { useLive } from '../live/LiveContext';
import { patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { DischargeForm } from '../pathways/DischargeForm';
import { OpenAlerts } from '../pathways/DischargePage';
import { dischargeBlockerAlerts } from './discharge';

/**
 * Discharge from the admin patients page: the same pathway discharge as the patient's discharge page (one
 * discharge path, issue 13). R14: the patient's unresolved alerts are shown first, and with some a handover
 * note is required, with which the api resolves each of them; the outcome and device return are recorded and
 * the FHIR discharge summary produced.
 */
export function DischargePanel({
  patient,
  onDischarged,
  onCancel,
}: {
  patient: PatientSummary;
  onDischarged: (result: DischargeResult) => void;
  onCancel: () => void;
}) {
  const { connected } = useLive();
  const alerts = usePatientAlerts(patient.id, !connected);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [patient.id]);
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
            return (
              <>
                <OpenAlerts blockers={blockers} />
                <DischargeForm
                  patientId={patient.id}
                  blockers={blockers.length}
                  submitLabel={blockers.length > 0 ? 'Hand over alerts and discharge' : 'Confirm discharge'}
                  onDischarged={onDischarged}
                  onCancel={onCancel}
                />
              </>
            );
          }}
        </PageState>
      </div>
    </section>
  );
}
