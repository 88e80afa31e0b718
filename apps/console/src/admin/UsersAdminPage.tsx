import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { UpdateUserRequest, UserAccount } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { api } from '../api/http.client';
import { keys, useUsers, useWards } from '../api/queries';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { PageState } from '../common/PageState';
import { CreateUserForm } from './CreateUserForm';

function ToggleDisabled({ user }: { user: UserAccount }) {
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (body: UpdateUserRequest) => api.put<unknown>(`/users/${user.id}`, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.users }),
  });
  return (
    <>
      <ApiErrorMessage error={update.error} />
      <Button
        type="button"
        small
        secondary
        disabled={update.isPending}
        onClick={() => update.mutate({ disabled: !user.disabled })}
      >
        {user.disabled ? 'Enable' : 'Disable'}
        <span className="nhsuk-u-visually-hidden"> {user.username}</span>
      </Button>
    </>
  );
}

export function UsersAdminPage() {
  const users = useUsers();
  const wards = useWards();
  const wardNames = (ids: string[]) =>
    ids.map((id) => wards.data?.find((w) => w.id === id)?.name ?? id).join(', ') || 'None';
  return (
    <>
      <h1>Users</h1>
      <PageState query={users}>
        {(list) => (
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">{list.length} users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Wards</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="nhsuk-u-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.displayName}</td>
                  <td>{u.role}</td>
                  <td>{wardNames(u.wardIds)}</td>
                  <td>{u.disabled ? 'Disabled' : 'Active'}</td>
                  <td>
                    <ToggleDisabled user={u} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
      <CreateUserForm wards={wards.data ?? []} />
    </>
  );
}
