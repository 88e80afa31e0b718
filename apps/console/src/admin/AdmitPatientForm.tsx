import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AdmitPatientRequest, PatientSummary, Ward } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { Field } from '../common/Field';
import { validateAdmission, type AdmitInput } from './admit-patient';
import { SelectField } from '../common/SelectField';
import { useTemplates } from '../pathways/pathway-queries';

const FIELD_IDS: Record<string, string> = {
  nhsNumber: 'admit-nhs',
  givenName: 'admit-given',
  familyName: 'admit-family',
  dateOfBirth: 'admit-dob',
  wardId: 'admit-ward',
};

/** Server errors shown beside the field they name, or at the top when they name none. */
function serverErrors(error: unknown): FieldError[] {
  if (error instanceof ApiError && error.fields.length > 0) {
    return error.fields.map((f) => ({ href: FIELD_IDS[f.path] ?? '', message: f.message }));
  }
  return error ? [{ href: 'admit-nhs', message: errorMessage(error) }] : [];
}

export function AdmitPatientForm({ wards }: { wards: Ward[] }) {
  const queryClient = useQueryClient();
  const empty: AdmitInput = {
    nhsNumber: '',
    givenName: '',
    familyName: '',
    dateOfBirth: '',
    wardId: wards[0]?.id ?? '',
    spo2Scale: '1',
    templateId: '',
  };
  const templates = useTemplates();
  const [input, setInput] = useState<AdmitInput>(empty);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const admit = useMutation({
    mutationFn: (body: AdmitPatientRequest) => api.post<PatientSummary>('/patients', body),
    onSuccess: async () => {
      setInput(empty);
      await queryClient.invalidateQueries({ queryKey: keys.patients });
    },
  });
  const set = (field: keyof AdmitInput) => (value: string) =>
    setInput((prev) => ({ ...prev, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const check = validateAdmission(input);
    setErrors(check.errors);
    if (check.body) admit.mutate(check.body);
  };
  const shown = [...errors, ...(admit.isError ? serverErrors(admit.error) : [])];
  const errorFor = (id: string) => shown.find((e) => e.href === id)?.message;
  const text = (id: string, field: keyof AdmitInput, label: string, hint?: string, autoComplete = 'off') => (
    <Field id={id} label={label} hint={hint} error={errorFor(id)}>
      {(describedBy, hasError) => (
        <input
          className={`nhsuk-input${hasError ? ' nhsuk-input--error' : ''}`}
          id={id}
          autoComplete={autoComplete}
          value={input[field]}
          aria-describedby={describedBy}
          onChange={(e) => set(field)(e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate aria-labelledby="admit-heading">
      <h2 id="admit-heading">Admit a patient</h2>
      <ErrorSummary errors={shown} />
      {admit.isSuccess && (
        <p className="nhsuk-body" role="status">
          Patient admitted.
        </p>
      )}
      {text('admit-nhs', 'nhsNumber', 'NHS number', 'For example, 943 476 5919')}
      {text('admit-given', 'givenName', 'Given name', undefined, 'off')}
      {text('admit-family', 'familyName', 'Family name', undefined, 'off')}
      {text('admit-dob', 'dateOfBirth', 'Date of birth (optional)', 'As YYYY-MM-DD, for example 1950-12-10')}
      <Field id="admit-ward" label="Ward" error={errorFor('admit-ward')}>
        {(describedBy) => (
          <select
            className="nhsuk-select"
            id="admit-ward"
            value={input.wardId}
            aria-describedby={describedBy}
            onChange={(e) => set('wardId')(e.target.value)}
          >
            {wards.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="admit-scale"
        label="SpO2 scale"
        hint="Scale 2 only when a clinician has prescribed a target of 88–92%"
      >
        {(describedBy) => (
          <select
            className="nhsuk-select"
            id="admit-scale"
            value={input.spo2Scale}
            aria-describedby={describedBy}
            onChange={(e) => set('spo2Scale')(e.target.value)}
          >
            <option value="1">Scale 1</option>
            <option value="2">Scale 2</option>
          </select>
        )}
      </Field>
      <SelectField
        id="admit-template"
        label="Pathway"
        hint="The monitoring plan to start from: its schedule, thresholds and escalation. A clinician can tailor it."
        value={input.templateId ?? ''}
        choices={(templates.data ?? []).map((t) => ({ value: t.id, label: t.title }))}
        onChange={(v) => {
          set('templateId')(v);
          // A template on SpO2 scale 2 (COPD) sets the scale too; a clinician records the oxygen prescription.
          const t = templates.data?.find((x) => x.id === v);
          if (t) set('spo2Scale')(String(t.spo2Scale));
        }}
        placeholder="No pathway (general monitoring)"
      />
      <Button type="submit" disabled={admit.isPending}>
        Admit patient
      </Button>
    </form>
  );
}
