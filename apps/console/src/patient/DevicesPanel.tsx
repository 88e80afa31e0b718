import type { PatientDevice } from '@vigil/contracts';
import { formatAge, formatDateTime } from '../common/format';

export function batteryText(battery: number | null): string {
  if (battery === null) return 'Unknown';
  return battery <= 20 ? `${battery}% (low)` : `${battery}%`;
}

export function DevicesPanel({ devices, now }: { devices: PatientDevice[]; now: number }) {
  if (devices.length === 0) return <p className="nhsuk-body">No devices bound.</p>;
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
        Devices bound to this patient
      </caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Kind</th>
          <th scope="col">Battery</th>
          <th scope="col">Last seen</th>
          <th scope="col">Bound since</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((d) => (
          <tr key={d.id}>
            <td>{d.id}</td>
            <td>{d.kind}</td>
            <td>{batteryText(d.battery)}</td>
            <td>{d.lastSeenAt ? formatAge(d.lastSeenAt, now) : 'Never'}</td>
            <td>{formatDateTime(d.boundFrom)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
