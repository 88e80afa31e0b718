import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  DEVICE_KIND_VALUES,
  type ProvisionDeviceRequest,
  type ProvisionedDeviceView,
} from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { ErrorSummary } from '../common/ErrorSummary';
import { Field } from '../common/Field';

/** Provisioning returns the device secret once: it is shown here and never retrievable again. */
export function ProvisionDeviceForm() {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ProvisionDeviceRequest['kind']>('pulse-oximeter');
  const [serial, setSerial] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const provision = useMutation({
    mutationFn: (body: ProvisionDeviceRequest) => api.post<ProvisionedDeviceView>('/devices', body),
    onSuccess: async () => {
      setSerial('');
      setDeviceId('');
      await queryClient.invalidateQueries({ queryKey: keys.devices });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    provision.mutate({
      kind,
      ...(serial.trim() ? { serial: serial.trim() } : {}),
      ...(deviceId.trim() ? { id: deviceId.trim() } : {}),
    });
  };
  const error = provision.isError ? errorMessage(provision.error) : undefined;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="provision-heading">
      <h2 id="provision-heading">Provision a device</h2>
      <ErrorSummary errors={error ? [{ href: 'device-id', message: error }] : []} />
      {provision.data && (
        <div className="nhsuk-warning-callout" data-testid="device-secret">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>Copy this secret now
            </span>
          </h3>
          <p>
            Device <code data-testid="provisioned-id">{provision.data.device.id}</code> secret:{' '}
            <code data-testid="provisioned-secret">{provision.data.secret}</code>
          </p>
          <p>It is shown only once. Configure the device with it before leaving this page.</p>
        </div>
      )}
      <Field id="device-kind" label="Kind">
        {() => (
          <select
            className="nhsuk-select"
            id="device-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as ProvisionDeviceRequest['kind'])}
          >
            {DEVICE_KIND_VALUES.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="device-serial" label="Serial number (optional)">
        {() => (
          <input
            className="nhsuk-input"
            id="device-serial"
            value={serial}
            onChange={(e) => setSerial(e.target.value)}
          />
        )}
      </Field>
      <Field id="device-id" label="Device id (optional)" hint="Leave blank to generate one" error={error}>
        {(describedBy, hasError) => (
          <input
            className={`nhsuk-input${hasError ? ' nhsuk-input--error' : ''}`}
            id="device-id"
            value={deviceId}
            aria-describedby={describedBy}
            onChange={(e) => setDeviceId(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" disabled={provision.isPending}>
        Provision device
      </Button>
    </form>
  );
}
