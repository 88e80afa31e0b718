import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReportedAnswersView } from '@vigil/contracts';
import { EN_GB, format, POST_FALL_QUESTIONNAIRE, questionnaireFor } from '@vigil/questionnaires';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { api, ApiError } from '../api/http.client';
import { ApiErrorMessage } from '../common/ApiErrorMessage';

type Kind = 'check-in' | 'post-fall';

/**
 * Issue 14: a nurse enters the patient's or carer's answers taken on the phone (source
 * `nurse-reported-by-phone`): the same questionnaire the patient page shows, checked by the same rules.
 */
export function PhoneReportForm({
  patientId,
  pathway,
  givenName,
}: {
  patientId: string;
  pathway: string;
  givenName: string;
}) {
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('check-in');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<ReportedAnswersView | null>(null);
  const q = kind === 'post-fall' ? POST_FALL_QUESTIONNAIRE : questionnaireFor(pathway);
  const send = useMutation({
    mutationFn: () =>
      api.post<ReportedAnswersView>(`/patients/${patientId}/reported-answers`, {
        kind,
        answers: Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== '')),
      }),
    onSuccess: (r) => {
      setSent(r);
      setAnswers({});
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['patients', 'reported-answers', patientId] }),
  });
  const fieldErrors = new Map(
    send.error instanceof ApiError
      ? send.error.fields.map((f) => [f.path.replace(/^answers\./, ''), f.message] as const)
      : [],
  );
  const errorText = (id: string) => fieldErrors.get(id);
  const set = (id: string, value: string) => setAnswers((a) => ({ ...a, [id]: value }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSent(null);
        send.mutate();
      }}
    >
      <fieldset className="nhsuk-fieldset">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Answers taken by phone</legend>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="phone-kind">
            Questions
          </label>
          <select
            className="nhsuk-select"
            id="phone-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setAnswers({});
            }}
          >
            <option value="check-in">Check-in ({questionnaireFor(pathway).id})</option>
            <option value="post-fall">After a fall</option>
          </select>
        </div>
        {q.questions.map((question) => {
          const error = errorText(question.id);
          const choices = question.notSure ? ['yes', 'no', 'not-sure'] : ['yes', 'no'];
          return (
            <div key={question.id} className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
              <fieldset
                className="nhsuk-fieldset"
                aria-describedby={error ? `phone-${question.id}-error` : undefined}
              >
                <legend className="nhsuk-fieldset__legend">
                  {format(EN_GB[question.text], { name: givenName })}
                </legend>
                {error && (
                  <span className="nhsuk-error-message" id={`phone-${question.id}-error`}>
                    <span className="nhsuk-u-visually-hidden">Error:</span> {error}
                  </span>
                )}
                <div className="nhsuk-radios nhsuk-radios--inline nhsuk-radios--small">
                  {choices.map((c) => (
                    <div className="nhsuk-radios__item" key={c}>
                      <input
                        className="nhsuk-radios__input"
                        type="radio"
                        id={`phone-${question.id}-${c}`}
                        name={`phone-${question.id}`}
                        value={c}
                        checked={answers[question.id] === c}
                        onChange={() => set(question.id, c)}
                      />
                      <label
                        className="nhsuk-label nhsuk-radios__label"
                        htmlFor={`phone-${question.id}-${c}`}
                      >
                        {c === 'yes' ? 'Yes' : c === 'no' ? 'No' : 'Not sure'}
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
          );
        })}
        {(q.texts ?? []).map((x) => (
          <div key={x.id} className={`nhsuk-form-group${errorText(x.id) ? ' nhsuk-form-group--error' : ''}`}>
            <label className="nhsuk-label" htmlFor={`phone-${x.id}`}>
              {format(EN_GB[x.label], { name: givenName })} (optional)
            </label>
            {errorText(x.id) && (
              <span className="nhsuk-error-message" id={`phone-${x.id}-error`}>
                <span className="nhsuk-u-visually-hidden">Error:</span> {errorText(x.id)}
              </span>
            )}
            <textarea
              className="nhsuk-textarea"
              id={`phone-${x.id}`}
              rows={3}
              maxLength={x.maxLength}
              aria-describedby={errorText(x.id) ? `phone-${x.id}-error` : undefined}
              value={answers[x.id] ?? ''}
              onChange={(e) => set(x.id, e.target.value)}
            />
          </div>
        ))}
        {q.readings.map((r) => (
          <div key={r.id} className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor={`phone-${r.id}`}>
              {EN_GB[r.label]} (optional)
            </label>
            <input
              className="nhsuk-input nhsuk-input--width-4"
              id={`phone-${r.id}`}
              inputMode="decimal"
              value={answers[r.id] ?? ''}
              onChange={(e) => set(r.id, e.target.value)}
            />
          </div>
        ))}
      </fieldset>
      <ApiErrorMessage error={send.error} />
      {sent && (
        <p className="nhsuk-body" role="status">
          Answers recorded as reported by phone.
          {sent.advice === 'call-999' && ' The answers call for 999: make sure that happens.'}
        </p>
      )}
      <Button type="submit" secondary disabled={send.isPending}>
        Record answers taken by phone
      </Button>
    </form>
  );
}
