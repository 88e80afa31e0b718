import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DischargeResult, PathwayDischargeRequest } from '@vigil/contracts';
import { DISCHARGE_OUTCOME_LABELS } from '@vigil/pathways';
import { Button, Textarea } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { DISCHARGE_IDS, dischargeFormRequest, type DischargeFormValues } from '../admin/discharge';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { SelectField } from '../common/SelectField';

const OUTCOMES = Object.entries(DISCHARGE_OUTCOME_LABELS).map(([value, label]) => ({ value, label }));
const RETURNS = [
  { value: 'returned', label: 'Devices returned' },
  { value: 'collection-booked', label: 'Collection booked' },
  { value: 'not-applicable', label: 'No devices issued' },
];

/**
 * The one discharge form (issue 13): outcome of the stay, device return, a note for the GP and — R14 — a
 * handover note when alerts are still open (then required). It posts to the pathway discharge, which
 * checks open alerts again, records the outcome and produces the FHIR discharge summary. Used by the
 * patient's discharge page and the admin patients page alike.
 */
export function DischargeForm({
  patientId,
  blockers,
  submitLabel,
  onDischarged,
  onCancel,
}: {
  patientId: string;
  /** Unresolved alerts of the patient now (R14). */
  blockers: number;
  submitLabel: string;
  onDischarged: (result: DischargeResult) => void;
  onCancel?: () => void;
}) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<DischargeFormValues>({
    outcome: '',
    deviceReturn: '',
    note: '',
    handover: '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const discharge = useMutation({
    mutationFn: (body: PathwayDischargeRequest) =>
      api.post<DischargeResult>(`/patients/${patientId}/pathway-discharge`, body),
    onSuccess: onDischarged,
    // A new alert may have opened meanwhile (the api then refuses, naming it): show the fresh list either way.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.patients }),
        queryClient.invalidateQueries({ queryKey: keys.alerts }),
      ]),
  });
  const set = (field: keyof DischargeFormValues) => (value: string) =>
    setValues((v) => ({ ...v, [field]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { errors: problems, body } = dischargeFormRequest(values, blockers);
    setErrors(problems);
    if (body) discharge.mutate(body);
  };
  const shown = [
    ...errors,
    ...(discharge.isError ? [{ href: DISCHARGE_IDS.outcome, message: errorMessage(discharge.error) }] : []),
  ];
  const errorFor = (id: string) => shown.find((x) => x.href === id)?.message;
  return (
    <form onSubmit={submit} noValidate aria-label="Discharge">
      <ErrorSummary errors={shown} />
      <SelectField
        id={DISCHARGE_IDS.outcome}
        label="Outcome"
        value={values.outcome}
        choices={OUTCOMES}
        onChange={set('outcome')}
        placeholder="Select outcome"
        error={errorFor(DISCHARGE_IDS.outcome)}
      />
      <SelectField
        id={DISCHARGE_IDS.devices}
        label="Devices"
        value={values.deviceReturn}
        choices={RETURNS}
        onChange={set('deviceReturn')}
        placeholder="Select"
        error={errorFor(DISCHARGE_IDS.devices)}
      />
      <Textarea
        id={DISCHARGE_IDS.note}
        name={DISCHARGE_IDS.note}
        label="Note for the GP (optional)"
        rows={3}
        value={values.note}
        onChange={(e) => set('note')(e.target.value)}
      />
      {blockers > 0 && (
        <Textarea
          id={DISCHARGE_IDS.handover}
          name={DISCHARGE_IDS.handover}
          label="Handover note"
          hint="Who takes over each open alert, and what they need to know. Each is resolved with this note, in your name."
          rows={2}
          value={values.handover}
          error={errorFor(DISCHARGE_IDS.handover)}
          onChange={(e) => set('handover')(e.target.value)}
        />
      )}
      <Button type="submit" warning disabled={discharge.isPending}>
        {submitLabel}
      </Button>
      {onCancel && (
        <>
          {' '}
          <Button type="button" secondary onClick={onCancel}>
            Cancel
          </Button>
        </>
      )}
    </form>
  );
}
