import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OxygenPrescriptionRequest, PatientDetail, Spo2ScaleRequest } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { Field } from '../common/Field';
import { validateOxygenPrescription, validateScaleChange } from './clinical-settings';

function useSettingMutation<T>(patientId: string, path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: T) => api.put<PatientDetail>(`/patients/${patientId}/${path}`, body),
    onSuccess: (patient) => queryClient.setQueryData(keys.patient(patientId), patient),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.patients }),
  });
}

function ReasonField({
  id,
  error,
  value,
  onChange,
}: {
  id: string;
  error?: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field
      id={id}
      label="Reason for the change"
      hint="Required. It is kept in the patient's audit trail."
      error={error}
    >
      {(describedBy, hasError) => (
        <textarea
          className={`nhsuk-textarea${hasError ? ' nhsuk-textarea--error' : ''}`}
          id={id}
          name={id}
          rows={2}
          value={value}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** N1: a clinician records whether the patient is on air or on oxygen, with a reason (audited). */
export function OxygenPrescriptionForm({ patient }: { patient: PatientDetail }) {
  const save = useSettingMutation<OxygenPrescriptionRequest>(patient.id, 'oxygen-prescription');
  const [onOxygen, setOnOxygen] = useState<boolean | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateOxygenPrescription({ onOxygen, reason });
    setErrors(result.errors);
    if (result.body)
      save.mutate(result.body, {
        onSuccess: () => {
          setReason('');
          setOnOxygen(null);
        },
      });
  };
  const shown = [
    ...errors,
    ...(save.isError ? [{ href: 'oxygen-prescription-reason', message: errorMessage(save.error) }] : []),
  ];
  const choiceError = shown.find((e) => e.href === 'oxygen-prescription-air')?.message;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="oxygen-prescription-heading">
      <h3 id="oxygen-prescription-heading">Oxygen prescription</h3>
      <ErrorSummary errors={shown} />
      {save.isSuccess && (
        <p className="nhsuk-body" role="status">
          Oxygen prescription saved.
        </p>
      )}
      <div className={`nhsuk-form-group${choiceError ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset
          className="nhsuk-fieldset"
          aria-describedby={choiceError ? 'oxygen-prescription-air-error' : undefined}
        >
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            The patient is prescribed
          </legend>
          {choiceError && (
            <span className="nhsuk-error-message" id="oxygen-prescription-air-error">
              <span className="nhsuk-u-visually-hidden">Error:</span> {choiceError}
            </span>
          )}
          <div className="nhsuk-radios nhsuk-radios--small nhsuk-radios--inline">
            {([false, true] as const).map((value) => {
              const id = value ? 'oxygen-prescription-oxygen' : 'oxygen-prescription-air';
              return (
                <div className="nhsuk-radios__item" key={id}>
                  <input
                    className="nhsuk-radios__input"
                    id={id}
                    name="onOxygen"
                    type="radio"
                    checked={onOxygen === value}
                    onChange={() => setOnOxygen(value)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                    {value ? 'On oxygen' : 'On air'}
                  </label>
                </div>
              );
            })}
          </div>
        </fieldset>
      </div>
      <ReasonField
        id="oxygen-prescription-reason"
        error={shown.find((e) => e.href === 'oxygen-prescription-reason')?.message}
        value={reason}
        onChange={setReason}
      />
      <Button type="submit" secondary disabled={save.isPending}>
        Save oxygen prescription
      </Button>
    </form>
  );
}

/** R9: a clinician changes the SpO2 scale, with a reason (audited). */
export function Spo2ScaleForm({ patient }: { patient: PatientDetail }) {
  const save = useSettingMutation<Spo2ScaleRequest>(patient.id, 'spo2-scale');
  const other: 1 | 2 = patient.spo2Scale === 2 ? 1 : 2;
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateScaleChange({ scale: other, reason });
    setErrors(result.errors);
    if (result.body) save.mutate(result.body, { onSuccess: () => setReason('') });
  };
  const shown = [
    ...errors,
    ...(save.isError ? [{ href: 'spo2-scale-reason', message: errorMessage(save.error) }] : []),
  ];
  return (
    <form onSubmit={submit} noValidate aria-labelledby="spo2-scale-heading">
      <h3 id="spo2-scale-heading">SpO2 scale</h3>
      <ErrorSummary errors={shown} />
      {save.isSuccess && (
        <p className="nhsuk-body" role="status">
          SpO2 scale saved.
        </p>
      )}
      <p className="nhsuk-body">
        The patient is on scale {patient.spo2Scale}.{' '}
        {other === 2
          ? 'Scale 2 is for patients with confirmed hypercapnic respiratory failure (target 88–92%).'
          : 'Scale 1 is the standard scale.'}
      </p>
      <ReasonField
        id="spo2-scale-reason"
        error={shown.find((e) => e.href === 'spo2-scale-reason')?.message}
        value={reason}
        onChange={setReason}
      />
      <Button type="submit" secondary disabled={save.isPending}>
        Change to scale {other}
      </Button>
    </form>
  );
}
