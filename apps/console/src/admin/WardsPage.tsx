import { useWards } from '../api/queries';
import { PageState } from '../common/PageState';

export function WardsPage() {
  const wards = useWards();
  return (
    <>
      <h1>Wards</h1>
      <PageState query={wards}>
        {(list) => (
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">{list.length} wards</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.id}>
                  <td>{w.name}</td>
                  <td>
                    <code>{w.id}</code>
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
