import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PatientSummary } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/http.client';
import { keys, usePatients, useWards } from '../api/queries';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { displayNhsNumber, formatDate, formatDateTime, patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { AdmitPatientForm } from './AdmitPatientForm';

function DischargeButton({ patient }: { patient: PatientSummary }) {
  const queryClient = useQueryClient();
  const discharge = useMutation({
    mutationFn: () => api.post<unknown>(`/patients/${patient.id}/discharge`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.patients }),
  });
  return (
    <>
      <ApiErrorMessage error={discharge.error} />
      <Button type="button" small warning disabled={discharge.isPending} onClick={() => discharge.mutate()}>
        Discharge<span className="nhsuk-u-visually-hidden"> {patientName(patient)}</span>
      </Button>
    </>
  );
}

export function PatientsAdminPage() {
  const wards = useWards();
  const [wardId, setWardId] = useState('');
  const patients = usePatients(wardId || undefined);
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
                  <td>{p.dischargedAt ? 'Discharged' : <DischargeButton patient={p} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
      {wards.data && wards.data.length > 0 && <AdmitPatientForm wards={wards.data} />}
    </>
  );
}
