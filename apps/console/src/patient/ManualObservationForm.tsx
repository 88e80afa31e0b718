import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  ACVPU_CODES,
  type AcvpuCode,
  type InspiredOxygenCode,
  type ManualObservationRequest,
} from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { Field } from '../common/Field';
import { validateManualObservation } from './manual-observation';

const ACVPU_LABELS: Record<AcvpuCode, string> = {
  A: 'A – Alert',
  C: 'C – New confusion',
  V: 'V – Responds to voice',
  P: 'P – Responds to pain',
  U: 'U – Unresponsive',
};

/** Readings a device cannot take: entered by a nurse, published to the stream like any other. */
export function ManualObservationForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [rr, setRr] = useState('');
  const [consciousness, setConsciousness] = useState<AcvpuCode | ''>('');
  const [oxygen, setOxygen] = useState<InspiredOxygenCode | ''>('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const save = useMutation({
    mutationFn: (body: ManualObservationRequest) =>
      api.post<unknown>(`/patients/${patientId}/observations`, body),
    onSuccess: async () => {
      setRr('');
      setConsciousness('');
      setOxygen('');
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.patient(patientId) }),
        queryClient.invalidateQueries({ queryKey: keys.observations(patientId) }),
      ]);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateManualObservation(
      { respiratoryRate: rr, consciousness, inspiredOxygen: oxygen },
      new Date(),
    );
    setErrors(result.errors);
    if (result.body) save.mutate(result.body);
  };
  const shown = [
    ...errors,
    ...(save.isError ? [{ href: 'manual-rr', message: errorMessage(save.error) }] : []),
  ];
  const rrError = shown.find((e) => e.href === 'manual-rr')?.message;

  return (
    <form onSubmit={submit} noValidate aria-labelledby="manual-heading">
      <h3 id="manual-heading">Record observations</h3>
      <ErrorSummary errors={shown} />
      {save.isSuccess && (
        <p className="nhsuk-body" role="status">
          Observations saved. The score updates when they are processed.
        </p>
      )}
      <Field id="manual-rr" label="Respiration rate (breaths per minute)" error={rrError}>
        {(describedBy, hasError) => (
          <input
            className={`nhsuk-input nhsuk-input--width-4${hasError ? ' nhsuk-input--error' : ''}`}
            id="manual-rr"
            name="respiratoryRate"
            inputMode="decimal"
            value={rr}
            aria-describedby={describedBy}
            onChange={(e) => setRr(e.target.value)}
          />
        )}
      </Field>
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Consciousness (ACVPU)</legend>
          <div className="nhsuk-radios nhsuk-radios--small">
            {ACVPU_CODES.map((code) => (
              <div className="nhsuk-radios__item" key={code}>
                <input
                  className="nhsuk-radios__input"
                  id={`manual-acvpu-${code}`}
                  name="consciousness"
                  type="radio"
                  value={code}
                  checked={consciousness === code}
                  onChange={() => setConsciousness(code)}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`manual-acvpu-${code}`}>
                  {ACVPU_LABELS[code]}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Air or oxygen</legend>
          <div className="nhsuk-radios nhsuk-radios--small nhsuk-radios--inline">
            {(['air', 'oxygen'] as const).map((code) => (
              <div className="nhsuk-radios__item" key={code}>
                <input
                  className="nhsuk-radios__input"
                  id={`manual-oxygen-${code}`}
                  name="inspiredOxygen"
                  type="radio"
                  value={code}
                  checked={oxygen === code}
                  onChange={() => setOxygen(code)}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`manual-oxygen-${code}`}>
                  {code === 'air' ? 'Air' : 'Supplemental oxygen'}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <Button type="submit" secondary disabled={save.isPending}>
        Save observations
      </Button>
    </form>
  );
}
