import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http.client';
import { ErrorSummary, type FieldError } from '../common/ErrorSummary';
import { Field } from '../common/Field';
import { useSignIn } from './useAuth';

export function SignInPage() {
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!username.trim()) found.push({ href: 'username', message: 'Enter your username' });
    if (!password) found.push({ href: 'password', message: 'Enter your password' });
    setErrors(found);
    if (found.length === 0) signIn.mutate({ username: username.trim(), password });
  };

  const fieldError = (id: string) => errors.find((e) => e.href === id)?.message;
  const serverErrors: FieldError[] = signIn.isError
    ? [{ href: 'username', message: errorMessage(signIn.error) }]
    : [];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-one-half">
        <ErrorSummary errors={[...errors, ...serverErrors]} />
        <h1>Sign in to Vigil</h1>
        <form onSubmit={submit} noValidate>
          <Field id="username" label="Username" error={fieldError('username')}>
            {(describedBy, hasError) => (
              <input
                className={`nhsuk-input${hasError ? ' nhsuk-input--error' : ''}`}
                id="username"
                name="username"
                autoComplete="username"
                spellCheck={false}
                value={username}
                aria-describedby={describedBy}
                onChange={(e) => setUsername(e.target.value)}
              />
            )}
          </Field>
          <Field id="password" label="Password" error={fieldError('password')}>
            {(describedBy, hasError) => (
              <input
                className={`nhsuk-input${hasError ? ' nhsuk-input--error' : ''}`}
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                aria-describedby={describedBy}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <Button type="submit" disabled={signIn.isPending}>
            Sign in
          </Button>
        </form>
      </div>
    </div>
  );
}
