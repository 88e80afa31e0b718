import { ADVICE_TEXT, SOURCE_TEXT } from '../alerts/reported-answers-text';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AccessCodeView, IssuedAccessCode, ReportedAnswersView } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { api } from '../api/http.client';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { formatDateTime } from '../common/format';
import { PhoneReportForm } from './PhoneReportForm';

/**
 * Issue 14: codes a patient or carer signs in with on the patient page (`/p`), shown once when issued, and
 * what they reported. Revoking a code ends every page it has open (HZ-41).
 */
export function PatientAccessPanel({
  patientId,
  canIssue,
  pathway,
  givenName,
}: {
  patientId: string;
  canIssue: boolean;
  pathway: string;
  givenName: string;
}) {
  const client = useQueryClient();
  const codesKey = ['patients', 'access-codes', patientId];
  const answersKey = ['patients', 'reported-answers', patientId];
  const codes = useQuery({
    queryKey: codesKey,
    queryFn: () => api.get<AccessCodeView[]>(`/patients/${patientId}/access-codes`),
    enabled: canIssue,
  });
  const answers = useQuery({
    queryKey: answersKey,
    queryFn: () => api.get<ReportedAnswersView[]>(`/patients/${patientId}/reported-answers`),
    refetchInterval: 60_000,
  });
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<IssuedAccessCode | null>(null);
  const issue = useMutation({
    mutationFn: () =>
      api.post<IssuedAccessCode>(`/patients/${patientId}/access-codes`, label ? { label } : {}),
    onSuccess: (code) => {
      setIssued(code);
      setLabel('');
    },
    onSettled: () => client.invalidateQueries({ queryKey: codesKey }),
  });
  const revoke = useMutation({
    mutationFn: (codeId: string) => api.post<void>(`/patients/${patientId}/access-codes/${codeId}/revoke`),
    onSettled: () => client.invalidateQueries({ queryKey: codesKey }),
  });
  return (
    <>
      {canIssue && (
        <>
          <p className="nhsuk-body">
            A code lets the patient or a carer answer questions and send readings on the patient page. Give it
            only to them; it stops working after 14 days, at discharge, or when revoked.
          </p>
          {issued && (
            <div className="nhsuk-inset-text" role="status" data-testid="issued-code">
              <p>
                Code: <strong className="vigil-access-code">{issued.code}</strong> (shown once)
              </p>
              <p>
                Link: <code>{`${window.location.origin}${issued.linkPath}`}</code>
              </p>
            </div>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              issue.mutate();
            }}
          >
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="access-code-label">
                Who is it for? (optional)
              </label>
              <div className="nhsuk-hint" id="access-code-label-hint">
                For example, the patient, or their daughter Jane.
              </div>
              <input
                className="nhsuk-input nhsuk-input--width-20"
                id="access-code-label"
                aria-describedby="access-code-label-hint"
                value={label}
                maxLength={80}
                onChange={(e) => setLabel(e.target.value)}
              />
            </div>
            <ApiErrorMessage error={issue.error} />
            <Button type="submit" secondary disabled={issue.isPending}>
              Issue a code
            </Button>
          </form>
          <ApiErrorMessage error={revoke.error} />
          {codes.data && codes.data.length > 0 && (
            <table className="nhsuk-table" data-testid="access-codes">
              <caption className="nhsuk-table__caption">Codes issued</caption>
              <thead>
                <tr>
                  <th scope="col">For</th>
                  <th scope="col">Issued</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="nhsuk-u-visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {codes.data.map((c) => (
                  <tr key={c.id}>
                    <td>{c.label ?? '–'}</td>
                    <td>{formatDateTime(c.issuedAt)}</td>
                    <td>
                      {c.state === 'live'
                        ? `Works until ${formatDateTime(c.expiresAt)}`
                        : c.state === 'revoked'
                          ? 'Revoked'
                          : 'Expired'}
                    </td>
                    <td>
                      {c.state === 'live' && (
                        <Button type="button" small secondary onClick={() => revoke.mutate(c.id)}>
                          Revoke
                          <span className="nhsuk-u-visually-hidden">
                            {' '}
                            the code for {c.label ?? 'this patient'}
                          </span>
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {canIssue && <PhoneReportForm patientId={patientId} pathway={pathway} givenName={givenName} />}
      <h3>Reported by the patient or a carer</h3>
      {answers.isError && <ApiErrorMessage error={answers.error} />}
      {answers.data && answers.data.length === 0 && <p className="nhsuk-body">Nothing reported yet.</p>}
      {answers.data && answers.data.length > 0 && (
        <table className="nhsuk-table" data-testid="reported-answers">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
            Reported answers, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Answers</th>
              <th scope="col">Advice shown</th>
            </tr>
          </thead>
          <tbody>
            {answers.data.slice(0, 10).map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.answeredAt)}</td>
                <td>{SOURCE_TEXT[a.source]}</td>
                <td>
                  {Object.entries(a.answers)
                    .map(([q, v]) => `${q}: ${v}`)
                    .join('; ')}
                </td>
                <td>{ADVICE_TEXT[a.advice]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
