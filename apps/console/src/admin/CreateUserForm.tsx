import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  MIN_PASSWORD_LENGTH,
  USER_ROLES,
  USERNAME_PATTERN,
  type CreateUserRequest,
  type UserAccount,
  type UserRole,
  type Ward,
} from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/http.client';
import { keys } from '../api/queries';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { Field } from '../common/Field';

export function CreateUserForm({ wards }: { wards: Ward[] }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<UserRole>('nurse');
  const [wardIds, setWardIds] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const create = useMutation({
    mutationFn: (body: CreateUserRequest) => api.post<UserAccount>('/users', body),
    onSuccess: async () => {
      setUsername('');
      setDisplayName('');
      setPassword('');
      setWardIds([]);
      await queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!USERNAME_PATTERN.test(username))
      found.push({
        href: 'user-username',
        message: 'Username must be 3 to 64 lower-case letters, digits, dots, underscores or hyphens',
      });
    if (!displayName.trim()) found.push({ href: 'user-display', message: 'Enter the display name' });
    if (password.length < MIN_PASSWORD_LENGTH)
      found.push({
        href: 'user-password',
        message: `Password must be at least ${MIN_PASSWORD_LENGTH} characters`,
      });
    setErrors(found);
    if (found.length === 0)
      create.mutate({ username, displayName: displayName.trim(), role, wardIds, password });
  };
  const shown = [
    ...errors,
    ...(create.isError ? [{ href: 'user-username', message: errorMessage(create.error) }] : []),
  ];
  const errorFor = (id: string) => shown.find((e) => e.href === id)?.message;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="user-heading">
      <h2 id="user-heading">Add a user</h2>
      <ErrorSummary errors={shown} />
      {create.isSuccess && (
        <p className="nhsuk-body" role="status">
          User added.
        </p>
      )}
      <Field id="user-username" label="Username" error={errorFor('user-username')}>
        {(d, e) => (
          <input
            className={`nhsuk-input${e ? ' nhsuk-input--error' : ''}`}
            id="user-username"
            autoComplete="off"
            spellCheck={false}
            value={username}
            aria-describedby={d}
            onChange={(ev) => setUsername(ev.target.value)}
          />
        )}
      </Field>
      <Field id="user-display" label="Display name" error={errorFor('user-display')}>
        {(d, e) => (
          <input
            className={`nhsuk-input${e ? ' nhsuk-input--error' : ''}`}
            id="user-display"
            value={displayName}
            aria-describedby={d}
            onChange={(ev) => setDisplayName(ev.target.value)}
          />
        )}
      </Field>
      <Field id="user-role" label="Role">
        {() => (
          <select
            className="nhsuk-select"
            id="user-role"
            value={role}
            onChange={(ev) => setRole(ev.target.value as UserRole)}
          >
            {USER_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Wards</legend>
          <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
            {wards.map((w) => (
              <div className="nhsuk-checkboxes__item" key={w.id}>
                <input
                  className="nhsuk-checkboxes__input"
                  id={`user-ward-${w.id}`}
                  type="checkbox"
                  checked={wardIds.includes(w.id)}
                  onChange={(ev) =>
                    setWardIds((prev) =>
                      ev.target.checked ? [...prev, w.id] : prev.filter((id) => id !== w.id),
                    )
                  }
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`user-ward-${w.id}`}>
                  {w.name}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <Field
        id="user-password"
        label="Initial password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
        error={errorFor('user-password')}
      >
        {(d, e) => (
          <input
            className={`nhsuk-input${e ? ' nhsuk-input--error' : ''}`}
            id="user-password"
            type="password"
            autoComplete="new-password"
            value={password}
            aria-describedby={d}
            onChange={(ev) => setPassword(ev.target.value)}
          />
        )}
      </Field>
      <Button type="submit" disabled={create.isPending}>
        Add user
      </Button>
    </form>
  );
}
