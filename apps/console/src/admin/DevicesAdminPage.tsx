import { useDevices, usePatients } from '../api/queries';
import { formatAge } from '../common/format';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { batteryText } from '../patient/DevicesPanel';
import { DeviceBinding } from './DeviceBinding';
import { ProvisionDeviceForm } from './ProvisionDeviceForm';

export function DevicesAdminPage() {
  const devices = useDevices();
  const patients = usePatients(undefined);
  const now = useNow();
  return (
    <>
      <h1>Devices</h1>
      <PageState query={devices}>
        {(list) => (
          <table className="nhsuk-table" data-testid="devices-table">
            <caption className="nhsuk-table__caption">{list.length} devices</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Battery</th>
                <th scope="col">Last seen</th>
                <th scope="col">Patient</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <td>
                    <code>{d.id}</code>
                    {d.serial && (
                      <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">Serial {d.serial}</div>
                    )}
                  </td>
                  <td>{d.kind}</td>
                  <td>{d.status}</td>
                  <td>{batteryText(d.battery)}</td>
                  <td>{d.lastSeenAt ? formatAge(d.lastSeenAt, now) : 'Never'}</td>
                  <td>
                    <DeviceBinding device={d} patients={patients.data ?? []} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
      <ProvisionDeviceForm />
    </>
  );
}
