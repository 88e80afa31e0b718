import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PlanView, TailorPlanRequest } from '@vigil/contracts';
import { TIER_LABELS } from '@vigil/pathways';
import { Button, Details, Fieldset, Textarea } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../api/http.client';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { formatWindow, parameterLabel } from '../common/format';
import { TextField } from '../common/TextField';
import { pathwayKeys } from './pathway-queries';
import {
  buildTailorRequest,
  everyId,
  fieldIdForPath,
  graceId,
  initialTailorValues,
  REASON_ID,
  thresholdControls,
  thresholdId,
  tierId,
} from './tailor-form';

/**
 * A clinician tailors the patient's plan (issue 13): each reading's interval and grace, personal thresholds
 * within their safe bounds (HZ-62), and each escalation tier's response-time target, with a reason. The api
 * (PUT /api/patients/{id}/plan) validates and audits the change; its errors are shown beside their fields.
 */
export function TailorPlanForm({ plan }: { plan: PlanView }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => initialTailorValues(plan));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sent, setSent] = useState<TailorPlanRequest | null>(null);
  // Open once the clinician opened it (or an error shows), so a save never folds the form away.
  const [open, setOpen] = useState(false);
  const save = useMutation({
    mutationFn: (body: TailorPlanRequest) => api.put<PlanView>(`/patients/${plan.patientId}/plan`, body),
    onSuccess: async () => {
      setValues((v) => ({ ...v, [REASON_ID]: '' }));
      await queryClient.invalidateQueries({ queryKey: pathwayKeys.plan(plan.patientId) });
    },
  });
  const set = (id: string) => (value: string) => setValues((v) => ({ ...v, [id]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { body, errors: problems } = buildTailorRequest(plan, values);
    setErrors(problems);
    if (body) {
      setSent(body);
      save.mutate(body);
    }
  };
  const serverErrors: FieldError[] =
    save.isError && sent
      ? save.error instanceof ApiError && save.error.fields.length > 0
        ? save.error.fields.map((f) => ({ href: fieldIdForPath(f.path, sent), message: f.message }))
        : [{ href: '', message: errorMessage(save.error) }]
      : [];
  const shown = [...errors, ...serverErrors];
  const errorFor = (id: string) => shown.find((x) => x.href === id)?.message;
  return (
    <Details
      expander
      data-testid="tailor-plan"
      open={open || shown.length > 0}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <Details.Summary>Tailor this patient’s plan</Details.Summary>
      <Details.Text>
        <form onSubmit={submit} noValidate aria-label="Tailor the monitoring plan">
          <ErrorSummary errors={shown} />
          {save.isSuccess && (
            <p className="nhsuk-body" role="status" data-testid="tailor-saved">
              Plan tailored. The change is recorded in the patient’s audit trail.
            </p>
          )}
          <Fieldset>
            <Fieldset.Legend size="s">Reading schedule</Fieldset.Legend>
            {plan.schedules.map((s) => (
              <div key={s.parameter} className="vigil-inline-fields">
                <TextField
                  id={everyId(s.parameter)}
                  label={`${parameterLabel(s.parameter)}: every (minutes)`}
                  hint={`Now every ${formatWindow(s.everyMinutes)}; 15 minutes to 14 days`}
                  value={values[everyId(s.parameter)] ?? ''}
                  onChange={set(everyId(s.parameter))}
                  error={errorFor(everyId(s.parameter))}
                  width={5}
                  inputMode="numeric"
                />
                <TextField
                  id={graceId(s.parameter)}
                  label={`${parameterLabel(s.parameter)}: grace before overdue (minutes)`}
                  hint="0 up to the interval"
                  value={values[graceId(s.parameter)] ?? ''}
                  onChange={set(graceId(s.parameter))}
                  error={errorFor(graceId(s.parameter))}
                  width={5}
                  inputMode="numeric"
                />
              </div>
            ))}
          </Fieldset>
          <Fieldset>
            <Fieldset.Legend size="s">Personal thresholds</Fieldset.Legend>
            <p className="nhsuk-hint">
              An extra alert on top of NEWS2, never instead of it. Each must lie between NEWS2’s red-score
              limit and its normal range. Leave empty for none.
            </p>
            {thresholdControls(plan).map((c) => {
              const id = thresholdId(c.parameter, c.direction);
              return (
                <TextField
                  key={id}
                  id={id}
                  label={`${parameterLabel(c.parameter)}: alert ${c.direction}`}
                  hint={`${c.min}–${c.max} ${c.unit}`}
                  value={values[id] ?? ''}
                  onChange={set(id)}
                  error={errorFor(id)}
                  width={5}
                  suffix={c.unit}
                  inputMode="decimal"
                />
              );
            })}
          </Fieldset>
          <Fieldset>
            <Fieldset.Legend size="s">Escalation response-time targets</Fieldset.Legend>
            {plan.escalation.map((t) => (
              <TextField
                key={t.tier}
                id={tierId(t.tier)}
                label={`${TIER_LABELS[t.tier]} (minutes)`}
                hint="If this tier does not act in time, the alert goes to the next"
                value={values[tierId(t.tier)] ?? ''}
                onChange={set(tierId(t.tier))}
                error={errorFor(tierId(t.tier))}
                width={5}
                inputMode="numeric"
              />
            ))}
          </Fieldset>
          <Textarea
            id={REASON_ID}
            name={REASON_ID}
            label="Reason for tailoring the plan"
            hint="Recorded in the audit trail with each value before and after"
            value={values[REASON_ID] ?? ''}
            error={errorFor(REASON_ID)}
            rows={2}
            onChange={(e) => set(REASON_ID)(e.target.value)}
          />
          <Button type="submit" secondary disabled={save.isPending}>
            Save the tailored plan
          </Button>
        </form>
      </Details.Text>
    </Details>
  );
}
