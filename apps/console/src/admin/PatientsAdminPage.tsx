import type { DischargeResult, PatientSummary } from '@vigil/contracts';
import { DISCHARGE_OUTCOME_LABELS } from '@vigil/pathways';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { usePatients, useWards } from '../api/queries';
import { displayNhsNumber, formatDate, formatDateTime, patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { AdmitPatientForm } from './AdmitPatientForm';
import { DischargePanel } from './DischargePanel';

export function PatientsAdminPage() {
  const wards = useWards();
  const [wardId, setWardId] = useState('');
  const patients = usePatients(wardId || undefined);
  const [discharging, setDischarging] = useState<PatientSummary | null>(null);
  const [discharged, setDischarged] = useState<string | null>(null);
  const [dischargeSummary, setDischargeSummary] = useState<DischargeResult | null>(null);
  const wardName = (id: string) => wards.data?.find((w) => w.id === id)?.name ?? id;
  return (
    <>
      <h1>Patients</h1>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="patients-ward">
          Show patients on
        </label>
        <select
          className="nhsuk-select"
          id="patients-ward"
          value={wardId}
          onChange={(e) => setWardId(e.target.value)}
        >
          <option value="">All wards</option>
          {(wards.data ?? []).map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </div>
      {discharged && (
        <p className="nhsuk-body" role="status">
          {discharged} discharged.{' '}
          {dischargeSummary && (
            <>
              Outcome: {DISCHARGE_OUTCOME_LABELS[dischargeSummary.outcome]}. Discharge summary (FHIR R4
              document) created for the GP, encounter{' '}
              <span data-testid="admin-summary-encounter">{dischargeSummary.encounterId}</span>.
            </>
          )}
        </p>
      )}
      <PageState query={patients}>
        {(list) => (
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">{list.length} patients on the virtual ward</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">NHS number</th>
                <th scope="col">Date of birth</th>
                <th scope="col">Ward</th>
                <th scope="col">Admitted</th>
                <th scope="col">
                  <span className="nhsuk-u-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/patients/${p.id}`}>{patientName(p)}</Link>
                  </td>
                  <td className="vigil-nowrap">{displayNhsNumber(p.nhsNumber)}</td>
                  <td>{formatDate(p.dateOfBirth)}</td>
                  <td>{wardName(p.wardId)}</td>
                  <td>{formatDateTime(p.admittedAt)}</td>
                  <td>
                    {p.dischargedAt ? (
                      'Discharged'
                    ) : (
                      <Button
                        type="button"
                        small
                        warning
                        onClick={() => {
                          setDischarged(null);
                          setDischarging(p);
                        }}
                      >
                        Discharge<span className="nhsuk-u-visually-hidden"> {patientName(p)}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
      {discharging && (
        <DischargePanel
          key={discharging.id}
          patient={discharging}
          onCancel={() => setDischarging(null)}
          onDischarged={(result) => {
            setDischarged(patientName(discharging));
            setDischargeSummary(result);
            setDischarging(null);
          }}
        />
      )}
      {wards.data && wards.data.length > 0 && <AdmitPatientForm wards={wards.data} />}
    </>
  );
}
