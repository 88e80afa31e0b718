import { useStatus } from '../api/queries';
import { formatAge, formatDateTime } from '../common/format';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';

export function StatusPage() {
  const status = useStatus();
  const { connected } = useLive();
  const now = useNow();
  return (
    <>
      <h1>System status</h1>
      <PageState query={status}>
        {(s) => (
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Alerting pipeline</dt>
              <dd className="nhsuk-summary-list__value" data-testid="pipeline-health">
                <strong className={`nhsuk-tag nhsuk-tag--${s.pipeline.healthy ? 'green' : 'red'}`}>
                  {s.pipeline.healthy ? 'Healthy' : 'Not healthy'}
                </strong>{' '}
                {s.pipeline.detail}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Last heartbeat</dt>
              <dd className="nhsuk-summary-list__value">
                {s.pipeline.lastHeartbeatAt
                  ? `${formatAge(s.pipeline.lastHeartbeatAt, now)} (${formatDateTime(s.pipeline.lastHeartbeatAt)})`
                  : 'None yet'}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Live updates</dt>
              <dd className="nhsuk-summary-list__value">
                <strong className={`nhsuk-tag nhsuk-tag--${connected ? 'green' : 'red'}`}>
                  {connected ? 'Connected' : 'Disconnected'}
                </strong>
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Server time</dt>
              <dd className="nhsuk-summary-list__value">{formatDateTime(s.serverTime)}</dd>
            </div>
          </dl>
        )}
      </PageState>
    </>
  );
}
