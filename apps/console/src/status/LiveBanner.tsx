import { FALLBACK_POLL_MS, useStatus } from '../api/queries';
import { clockSkewText } from '../common/format';
import { useLive } from '../live/LiveContext';

/**
 * HZ-06 / HZ-01: say plainly when what is on screen may be out of date — the live connection is down,
 * the alerting pipeline has stopped, or this computer's clock disagrees with the server's (ages would be
 * wrong) — so nobody reads a silent screen as "all quiet".
 */
export function LiveBanner() {
  const { connected, everConnected } = useLive();
  const status = useStatus();
  const pipelineDown = status.data ? !status.data.pipeline.healthy : false;
  const statusUnreachable = status.isError;
  const socketDown = !connected;
  const clockSkew = status.data ? clockSkewText(status.data.serverTime, status.dataUpdatedAt) : null;
  if (!socketDown && !pipelineDown && !statusUnreachable && !clockSkew) return null;
  return (
    <div
      className="nhsuk-warning-callout vigil-live-banner"
      role="region"
      aria-label="Data may be out of date"
    >
      <h2 className="nhsuk-warning-callout__label">
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Data may be out of date
        </span>
      </h2>
      <ul className="nhsuk-list">
        {/* Every page with live data polls at this rate while the socket is down: `livePoll` (HZ-06). */}
        {socketDown && (
          <li data-testid="socket-down">
            {everConnected ? 'The live connection is down.' : 'Connecting to live updates…'} New alerts may be
            delayed; this page checks for changes every {FALLBACK_POLL_MS / 1000} seconds until it reconnects.
          </li>
        )}
        {pipelineDown && status.data && (
          <li data-testid="pipeline-down">
            The alerting pipeline is not healthy: {status.data.pipeline.detail}
          </li>
        )}
        {statusUnreachable && <li>Vigil cannot reach the server to check the alerting pipeline.</li>}
        {clockSkew && <li data-testid="clock-skew">{clockSkew}</li>}
      </ul>
    </div>
  );
}
