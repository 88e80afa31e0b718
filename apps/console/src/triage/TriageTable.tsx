import type { AlertView, PatientSummary } from '@vigil/contracts';
import { Link } from 'react-router-dom';
import { displayNhsNumber, formatAge, parameterLabel, patientName } from '../common/format';
import { reasonLines } from '../alerts/alert-permissions';
import { alertScoreRange } from '../common/news2';
import { News2Tag } from '../common/News2Tag';
import { AlertStatus, severityLabel } from './AlertStatus';
import { attentionOf } from './triage-order';

interface Props {
  alerts: AlertView[];
  patients: ReadonlyMap<string, PatientSummary>;
  now: number;
  meId?: string;
  caption: string;
}

export function TriageTable({ alerts, patients, now, meId, caption }: Props) {
  return (
    <table className="nhsuk-table vigil-queue" data-testid="triage-table">
      <caption className="nhsuk-table__caption">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr>
          <th scope="col">Patient</th>
          <th scope="col">Severity and NEWS2</th>
          <th scope="col">Why</th>
          <th scope="col">Last reading</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="nhsuk-u-visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {alerts.map((a) => {
          const name = a.patient ? patientName(a.patient) : 'Unknown patient';
          const latest = patients.get(a.patientId)?.latestScore;
          const missing = latest?.missing;
          return (
            <tr key={a.id} data-testid="triage-row" data-alert-id={a.id}>
              <td>
                {a.patient ? <Link to={`/patients/${a.patient.id}`}>{name}</Link> : name}
                <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                  NHS number:{' '}
                  <span className="vigil-nowrap">
                    {a.patient ? displayNhsNumber(a.patient.nhsNumber) : '–'}
                  </span>
                </div>
                <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">{a.wardName}</div>
              </td>
              <td>
                <strong>{severityLabel(a.severity)}</strong>
                <div>
                  <News2Tag
                    total={a.news2Total}
                    band={a.band}
                    partial={a.partial}
                    missing={missing}
                    range={alertScoreRange(a, latest)}
                  />
                </div>
              </td>
              <td>
                <ul className="nhsuk-list nhsuk-body-s nhsuk-u-margin-bottom-1" data-testid="alert-reasons">
                  {reasonLines(a).map((line, i) => (
                    <li key={i} className="nhsuk-u-margin-bottom-0">
                      {line}
                    </li>
                  ))}
                </ul>
                {a.triggeringParameters.length > 0 && (
                  <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                    Triggered by: {a.triggeringParameters.map(parameterLabel).join(', ')}
                  </p>
                )}
              </td>
              <td>
                <span data-testid="reading-age">{formatAge(a.lastObservationAt, now)}</span>
                <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                  Opened {formatAge(a.openedAt, now)}
                </div>
                {Date.parse(attentionOf(a)) > Date.parse(a.openedAt) && (
                  <div className="nhsuk-body-s nhsuk-u-margin-bottom-0" data-testid="attention-again">
                    Asked for attention again {formatAge(attentionOf(a), now)}
                  </div>
                )}
              </td>
              <td>
                <AlertStatus alert={a} meId={meId} />
              </td>
              <td>
                <Link to={`/alerts/${a.id}`}>
                  View alert<span className="nhsuk-u-visually-hidden"> for {name}</span>
                </Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
