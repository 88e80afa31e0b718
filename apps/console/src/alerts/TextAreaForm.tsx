import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http.client';
import { ErrorSummary } from '../common/ErrorSummary';
import { Field } from '../common/Field';

interface Props {
  id: string;
  label: string;
  hint: string;
  submitLabel: string;
  validate: (text: string) => string | null;
  onSubmit: (text: string) => void;
  pending: boolean;
  serverError: unknown;
  warning?: boolean;
}

/** A one-textarea form with NHS error messages: client check first, then the server's answer. */
export function TextAreaForm({
  id,
  label,
  hint,
  submitLabel,
  validate,
  onSubmit,
  pending,
  serverError,
  warning,
}: Props) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = validate(text);
    setError(problem);
    if (!problem) onSubmit(text.trim());
  };
  const shown = error ?? (serverError ? errorMessage(serverError) : null);
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      <ErrorSummary errors={shown ? [{ href: id, message: shown }] : []} />
      <Field id={id} label={label} hint={hint} error={shown ?? undefined}>
        {(describedBy, hasError) => (
          <textarea
            className={`nhsuk-textarea${hasError ? ' nhsuk-textarea--error' : ''}`}
            id={id}
            name={id}
            rows={3}
            value={text}
            aria-describedby={describedBy}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" disabled={pending} secondary={!warning} warning={warning}>
        {submitLabel}
      </Button>
    </form>
  );
}
