import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CeilingRequest, PlanView, User } from '@vigil/contracts';
import { CEILING_LABELS, TIER_LABELS } from '@vigil/pathways';
import { Button, SummaryList, Tag } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { DataTable } from '../common/DataTable';
import { ErrorSummary } from '../common/ErrorSummary';
import { formatDateTime, formatWindow, parameterLabel } from '../common/format';
import { SelectField } from '../common/SelectField';
import { pathwayKeys } from './pathway-queries';
import { TailorPlanForm } from './TailorPlanForm';
import { everyText, STATUS_TAG } from './schedule-format';

/** The patient's monitoring plan: its schedule now (due, overdue, done), escalation, ceiling, discharge readiness. */
export function PlanPanel({ plan, user }: { plan: PlanView; user: User | null }) {
  return (
    <section aria-labelledby="plan-heading" data-testid="plan-panel">
      <h2 id="plan-heading">Monitoring plan: {plan.title}</h2>
      {plan.tightened && (
        <p className="nhsuk-body" data-testid="plan-tightened">
          <Tag modifier="orange">Tightened</Tag> NEWS2 {plan.latestNews2?.total} (5 or more, or a red score):
          NEWS2 readings are due at least hourly until it falls back (RCP NEWS2 2017).
        </p>
      )}
      <DataTable
        caption="Reading schedule"
        testId="plan-schedule"
        rowTestId="plan-schedule-row"
        rows={plan.schedule}
        rowKey={(r) => r.parameter}
        columns={[
          { header: 'Reading', cell: (r) => parameterLabel(r.parameter) },
          { header: 'How often', cell: (r) => everyText(r) },
          { header: 'Last', cell: (r) => (r.lastAt ? formatDateTime(r.lastAt) : 'None yet') },
          { header: 'Next due', cell: (r) => formatDateTime(r.dueAt) },
          {
            header: 'Status',
            cell: (r) => <Tag modifier={STATUS_TAG[r.status].modifier}>{STATUS_TAG[r.status].text}</Tag>,
          },
        ]}
      />
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>Escalation</SummaryList.Key>
          <SummaryList.Value data-testid="plan-escalation">
            {plan.escalation.map((t) => `${TIER_LABELS[t.tier]} (${t.responseMinutes} min)`).join(' → ')}
          </SummaryList.Value>
        </SummaryList.Row>
        {plan.trendRules.map((r) => (
          <SummaryList.Row key={r.kind}>
            <SummaryList.Key>Weight rule</SummaryList.Key>
            <SummaryList.Value>
              Alert on a gain of {r.gainKg} kg within {formatWindow(r.windowHours * 60)} ({r.source})
            </SummaryList.Value>
          </SummaryList.Row>
        ))}
        <SummaryList.Row>
          <SummaryList.Key>Treatment ceiling (ReSPECT)</SummaryList.Key>
          <SummaryList.Value data-testid="plan-ceiling">
            {plan.ceiling ? plan.ceiling.advice : 'Not recorded: escalate fully.'}
            {plan.ceiling?.note && <div>{plan.ceiling.note}</div>}
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Discharge criteria</SummaryList.Key>
          <SummaryList.Value data-testid="plan-discharge">
            {plan.discharge.text}
            <ul className="nhsuk-list">
              {plan.dischargeReadiness.checks.map((c) => (
                <li key={c.text}>
                  {c.met ? 'Met' : 'Not met'}: {c.text}
                </li>
              ))}
            </ul>
          </SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>
      {user?.role === 'clinician' && <TailorPlanForm plan={plan} />}
      {user?.role === 'clinician' && <CeilingForm patientId={plan.patientId} />}
    </section>
  );
}

const FOCUS_CHOICES = Object.entries(CEILING_LABELS).map(([value, label]) => ({ value, label }));

function CeilingForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [focus, setFocus] = useState('');
  const [cpr, setCpr] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ href: string; message: string }[]>([]);
  const save = useMutation({
    mutationFn: (body: CeilingRequest) => api.put<PlanView>(`/patients/${patientId}/ceiling`, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: pathwayKeys.plan(patientId) });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = [
      ...(focus ? [] : [{ href: 'ceiling-focus', message: 'Select the agreed focus of care' }]),
      ...(cpr ? [] : [{ href: 'ceiling-cpr', message: 'Select whether CPR is to be attempted' }]),
      ...(reason.trim()
        ? []
        : [
            {
              href: 'ceiling-reason',
              message: 'Enter where this comes from, e.g. the ReSPECT form and its date',
            },
          ]),
    ];
    setErrors(problems);
    if (problems.length === 0) {
      save.mutate({
        focus: focus as CeilingRequest['focus'],
        cprAttempt: cpr === 'yes',
        note: '',
        reason: reason.trim(),
      });
    }
  };
  const shown = [
    ...errors,
    ...(save.isError ? [{ href: 'ceiling-focus', message: errorMessage(save.error) }] : []),
  ];
  const errorFor = (id: string) => shown.find((x) => x.href === id)?.message;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="ceiling-heading">
      <h3 id="ceiling-heading">Record the treatment-escalation ceiling</h3>
      <ErrorSummary errors={shown} />
      {save.isSuccess && (
        <p className="nhsuk-body" role="status">
          Ceiling recorded.
        </p>
      )}
      <SelectField
        id="ceiling-focus"
        label="Focus of care"
        value={focus}
        choices={FOCUS_CHOICES}
        onChange={setFocus}
        placeholder="Select focus"
        error={errorFor('ceiling-focus')}
      />
      <SelectField
        id="ceiling-cpr"
        label="CPR"
        value={cpr}
        choices={[
          { value: 'yes', label: 'CPR to be attempted' },
          { value: 'no', label: 'Not for CPR' },
        ]}
        onChange={setCpr}
        placeholder="Select"
        error={errorFor('ceiling-cpr')}
      />
      <div className={`nhsuk-form-group${errorFor('ceiling-reason') ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor="ceiling-reason">
          Source (ReSPECT form and date)
        </label>
        {errorFor('ceiling-reason') && (
          <span className="nhsuk-error-message" id="ceiling-reason-error">
            <span className="nhsuk-u-visually-hidden">Error:</span> {errorFor('ceiling-reason')}
          </span>
        )}
        <input
          className="nhsuk-input"
          id="ceiling-reason"
          value={reason}
          aria-describedby={errorFor('ceiling-reason') ? 'ceiling-reason-error' : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <Button type="submit" secondary disabled={save.isPending}>
        Save ceiling
      </Button>
    </form>
  );
}
