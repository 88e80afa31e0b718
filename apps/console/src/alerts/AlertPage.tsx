import { BackLink } from 'nhsuk-react-components';
import { Link, useParams } from 'react-router-dom';
import { useAlert } from '../api/queries';
import { useCurrentUser } from '../auth/useAuth';
import { useLive } from '../live/LiveContext';
import { displayNhsNumber, formatAge, formatDateTime, parameterLabel, patientName } from '../common/format';
import { News2Tag } from '../common/News2Tag';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { AlertStatus, severityLabel } from '../triage/AlertStatus';
import { AlertActions } from './AlertActions';
import { reasonLines } from './alert-permissions';
import { EscalationRows } from '../pathways/EscalationSummary';
import { ADVICE_TEXT, answerLines, SOURCE_TEXT } from './reported-answers-text';

export function AlertPage() {
  const { alertId = '' } = useParams();
  const { connected } = useLive();
  const alert = useAlert(alertId, !connected);
  const user = useCurrentUser();
  const now = useNow();
  return (
    <PageState query={alert}>
      {(a) => (
        <>
          <BackLink asElement={Link} to={user?.role === 'coordinator' ? '/ccc' : '/'}>
            Back to the queue
          </BackLink>
          <h1>
            {severityLabel(a.severity)} alert{a.patient ? ` – ${patientName(a.patient)}` : ''}
          </h1>
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Patient</dt>
              <dd className="nhsuk-summary-list__value">
                {a.patient ? (
                  <Link to={`/patients/${a.patient.id}`}>
                    {patientName(a.patient)}, NHS number {displayNhsNumber(a.patient.nhsNumber)}
                  </Link>
                ) : (
                  'Unknown'
                )}
                <div>{a.wardName}</div>
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">NEWS2</dt>
              <dd className="nhsuk-summary-list__value">
                <News2Tag total={a.news2Total} band={a.band} partial={a.partial} />
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Why</dt>
              <dd className="nhsuk-summary-list__value">
                <ul
                  className="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-bottom-1"
                  data-testid="alert-reasons"
                >
                  {reasonLines(a).map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
                {a.triggeringParameters.length > 0 && (
                  <div>Triggered by: {a.triggeringParameters.map(parameterLabel).join(', ')}</div>
                )}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Last reading</dt>
              <dd className="nhsuk-summary-list__value">
                {formatAge(a.lastObservationAt, now)} ({formatDateTime(a.lastObservationAt)})
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Status</dt>
              <dd className="nhsuk-summary-list__value" data-testid="alert-state">
                <AlertStatus alert={a} meId={user?.id} />
                {a.escalatedAt && (
                  <div>
                    Escalated {formatAge(a.escalatedAt, now)}: {a.escalationReason}
                  </div>
                )}
                {a.snoozedUntil && <div>Snoozed until {formatDateTime(a.snoozedUntil)}</div>}
                {a.resolutionNote && <div>Resolution note: {a.resolutionNote}</div>}
              </dd>
            </div>
            <EscalationRows alert={a} now={now} />
          </dl>
          {user && <AlertActions alert={a} user={user} />}
          {a.reportedAnswers.length > 0 && (
            <section aria-labelledby="reported-answers-heading" data-testid="alert-reported-answers">
              <h2 id="reported-answers-heading">
                {a.ruleId === 'fall' ? 'Answers after the fall' : 'Reported answers'}
              </h2>
              {a.reportedAnswers.map((r) => (
                <div key={r.id} className="nhsuk-u-margin-bottom-5">
                  <p className="nhsuk-body">
                    {SOURCE_TEXT[r.source]}, {formatDateTime(r.answeredAt)} ({formatAge(r.answeredAt, now)}).{' '}
                    {ADVICE_TEXT[r.advice]}.
                  </p>
                  <dl className="nhsuk-summary-list">
                    {answerLines(r, a.patient?.givenName ?? 'the patient').map((line) => (
                      <div className="nhsuk-summary-list__row" key={line.id}>
                        <dt className="nhsuk-summary-list__key">{line.question}</dt>
                        <dd className="nhsuk-summary-list__value">{line.answer}</dd>
                      </div>
                    ))}
                  </dl>
                </div>
              ))}
            </section>
          )}
          <h2>Audit trail</h2>
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
              Every change to this alert
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {a.audit.map((e, i) => (
                <tr key={`${e.at}-${i}`}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actor ?? 'Vigil'}</td>
                  <td>{e.action}</td>
                  <td>
                    {e.fromState ?? '–'} → {e.toState}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </PageState>
  );
}
