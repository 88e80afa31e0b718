import { useParams } from 'react-router-dom';
import { useObservations, usePatient, useWards } from '../api/queries';
import { useCurrentUser } from '../auth/useAuth';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';
import { AlertHistory } from './AlertHistory';
import { OxygenPrescriptionForm, Spo2ScaleForm } from './ClinicalSettingsForms';
import { DevicesPanel } from './DevicesPanel';
import { LatestObservations } from './LatestObservations';
import { ManualObservationForm } from './ManualObservationForm';
import { MonitoringPanel } from './MonitoringPanel';
import { ObservationChart } from './ObservationChart';
import { PatientAccessPanel } from './PatientAccessPanel';
import { PatientBanner } from './PatientBanner';
import { TREND_PARAMETERS } from './trend-series';
import { TrendChart } from './TrendChart';
import { Link } from 'react-router-dom';
import { PlanPanel } from '../pathways/PlanPanel';
import { usePlan } from '../pathways/pathway-queries';

export function PatientPage() {
  const { patientId = '' } = useParams();
  const { connected } = useLive();
  const user = useCurrentUser();
  const patient = usePatient(patientId, !connected);
  const plan = usePlan(patientId);
  const observations = useObservations(patientId, !connected);
  const wards = useWards();
  const now = useNow();
  const canRecord = user?.role === 'nurse' || user?.role === 'clinician';
  // R9: the api lets clinicians only change the scale or the oxygen prescription.
  const canPrescribe = user?.role === 'clinician';
  return (
    <PageState query={patient}>
      {(p) => (
        <>
          <PatientBanner patient={p} ward={wards.data?.find((w) => w.id === p.wardId)} now={now} />
          {plan.data && <PlanPanel plan={plan.data} user={user ?? null} />}
          {(user?.role === 'clinician' || user?.role === 'admin') && !p.dischargedAt && plan.data && (
            <p className="nhsuk-body">
              <Link to={`/patients/${p.id}/discharge`}>Discharge from the virtual ward</Link>
            </p>
          )}
          <h2>NEWS2 observation chart</h2>
          <PageState query={observations}>
            {(list) => <ObservationChart observations={list} scale={p.spo2Scale} />}
          </PageState>
          <h2>Latest readings</h2>
          <LatestObservations patient={p} now={now} />
          <h2>Trends (last 24 hours)</h2>
          <PageState query={observations}>
            {(list) => (
              <div className="vigil-trends">
                {TREND_PARAMETERS.map((parameter) => (
                  <TrendChart key={parameter} parameter={parameter} observations={list} />
                ))}
              </div>
            )}
          </PageState>
          <h2>Alert history</h2>
          <AlertHistory patientId={p.id} meId={user?.id} />
          <h2>Devices</h2>
          <DevicesPanel devices={p.devices} now={now} />
          <h2>Monitoring and thresholds</h2>
          <MonitoringPanel patient={p} />
          {canRecord && <ManualObservationForm patientId={p.id} />}
          <h2>Patient and carer reporting</h2>
          <PatientAccessPanel
            patientId={p.id}
            canIssue={canRecord && !p.dischargedAt}
            pathway={p.pathway}
            givenName={p.givenName}
          />
          {canPrescribe && !p.dischargedAt && (
            <>
              <h2>Oxygen and SpO2 scale</h2>
              <OxygenPrescriptionForm patient={p} />
              <Spo2ScaleForm patient={p} />
            </>
          )}
        </>
      )}
    </PageState>
  );
}
