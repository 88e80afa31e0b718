import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DeviceView, PatientSummary } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { api } from '../api/http.client';
import { keys } from '../api/queries';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { displayNhsNumber, patientName } from '../common/format';

export function DeviceBinding({ device, patients }: { device: DeviceView; patients: PatientSummary[] }) {
  const queryClient = useQueryClient();
  const [patientId, setPatientId] = useState('');
  const change = useMutation({
    mutationFn: (body: { patientId: string } | null) =>
      body
        ? api.post<unknown>(`/devices/${device.id}/bind`, body)
        : api.post<unknown>(`/devices/${device.id}/unbind`),
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.devices }),
        queryClient.invalidateQueries({ queryKey: keys.patients }),
      ]);
    },
  });
  const selectId = `bind-${device.id}`;
  if (device.boundPatientId) {
    const p = patients.find((x) => x.id === device.boundPatientId);
    return (
      <>
        <ApiErrorMessage error={change.error} />
        <span>Bound to {p ? `${patientName(p)} (${displayNhsNumber(p.nhsNumber)})` : 'a patient'} </span>
        <Button type="button" small secondary disabled={change.isPending} onClick={() => change.mutate(null)}>
          Unbind<span className="nhsuk-u-visually-hidden"> device {device.id}</span>
        </Button>
      </>
    );
  }
  return (
    <>
      <ApiErrorMessage error={change.error} />
      <label className="nhsuk-label" htmlFor={selectId}>
        Bind device {device.id} to
      </label>
      <select
        className="nhsuk-select"
        id={selectId}
        value={patientId}
        onChange={(e) => setPatientId(e.target.value)}
      >
        <option value="">Choose a patient</option>
        {patients
          .filter((p) => !p.dischargedAt)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {patientName(p)} – {displayNhsNumber(p.nhsNumber)}
            </option>
          ))}
      </select>{' '}
      <Button
        type="button"
        small
        secondary
        disabled={!patientId || change.isPending}
        onClick={() => change.mutate({ patientId })}
      >
        Bind<span className="nhsuk-u-visually-hidden"> device {device.id}</span>
      </Button>
    </>
  );
}
