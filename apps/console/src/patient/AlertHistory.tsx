import { Link } from 'react-router-dom';
import { reasonLines } from '../alerts/alert-permissions';
import { usePatientAlerts } from '../api/queries';
import { formatDateTime } from '../common/format';
import { News2Tag } from '../common/News2Tag';
import { PageState } from '../common/PageState';
import { useLive } from '../live/LiveContext';
import { AlertStatus, severityLabel } from '../triage/AlertStatus';

export function AlertHistory({ patientId, meId }: { patientId: string; meId?: string }) {
  const { connected } = useLive();
  const alerts = usePatientAlerts(patientId, !connected);
  return (
    <PageState query={alerts}>
      {(list) =>
        list.length === 0 ? (
          <p className="nhsuk-body">No alerts for this patient.</p>
        ) : (
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
              Alert history, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Opened</th>
                <th scope="col">Severity</th>
                <th scope="col">Why</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {[...list]
                .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))
                .map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/alerts/${a.id}`}>{formatDateTime(a.openedAt)}</Link>
                    </td>
                    <td>
                      {severityLabel(a.severity)}{' '}
                      <News2Tag total={a.news2Total} band={a.band} partial={a.partial} />
                    </td>
                    <td>{reasonLines(a).join('; ')}</td>
                    <td>
                      <AlertStatus alert={a} meId={meId} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )
      }
    </PageState>
  );
}
