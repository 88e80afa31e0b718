import { REJECTION_REASONS } from '@vigil/contracts';
import { useState } from 'react';
import { useDeadLetters } from '../api/queries';
import { formatDateTime } from '../common/format';
import { PageState } from '../common/PageState';

/** Rejected device messages, for finding a faulty device or codec. Raw payloads stay base64. */
export function DeadLettersPage() {
  const [deviceId, setDeviceId] = useState('');
  const [reason, setReason] = useState('');
  const letters = useDeadLetters(deviceId.trim(), reason);
  return (
    <>
      <h1>Dead letters</h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="dl-device">
              Device id
            </label>
            <input
              className="nhsuk-input"
              id="dl-device"
              value={deviceId}
              onChange={(e) => setDeviceId(e.target.value)}
            />
          </div>
        </div>
        <div className="nhsuk-grid-column-one-half">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="dl-reason">
              Reason
            </label>
            <select
              className="nhsuk-select"
              id="dl-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            >
              <option value="">Any reason</option>
              {REJECTION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      <PageState query={letters}>
        {(list) => (
          <table className="nhsuk-table" data-testid="dead-letters">
            <caption className="nhsuk-table__caption">{list.length} rejected messages, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Device</th>
                <th scope="col">Reason</th>
                <th scope="col">Detail</th>
                <th scope="col">Topic</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <td>{formatDateTime(d.receivedAt)}</td>
                  <td>{d.deviceId ?? 'Unknown'}</td>
                  <td>{d.reason}</td>
                  <td>
                    {d.detail}
                    {d.measurementIndex !== null && ` (measurement ${d.measurementIndex})`}
                  </td>
                  <td>
                    <code>{d.topic}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
    </>
  );
}
