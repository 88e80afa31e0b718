import type { AlertOutcome } from '@vigil/contracts';
import { ALERT_OUTCOME_LABELS } from '@vigil/pathways';
import { Button } from 'nhsuk-react-components';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/http.client';
import { ErrorSummary } from '../common/ErrorSummary';
import { Field } from '../common/Field';
import { SelectField } from '../common/SelectField';

const OUTCOMES = Object.entries(ALERT_OUTCOME_LABELS).map(([value, label]) => ({ value, label }));

/** Resolving an alert records what came of it (issue 13) and a note; both are required. */
export function ResolveForm({
  validateNote,
  onSubmit,
  pending,
  serverError,
}: {
  validateNote: (note: string) => string | null;
  onSubmit: (note: string, outcome: AlertOutcome) => void;
  pending: boolean;
  serverError: unknown;
}) {
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState('');
  const [errors, setErrors] = useState<{ href: string; message: string }[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const noteProblem = validateNote(note);
    const problems = [
      ...(outcome ? [] : [{ href: 'resolution-outcome', message: 'Select the outcome of this alert' }]),
      ...(noteProblem ? [{ href: 'resolution-note', message: noteProblem }] : []),
    ];
    setErrors(problems);
    if (problems.length === 0) onSubmit(note.trim(), outcome as AlertOutcome);
  };
  const shown = [
    ...errors,
    ...(serverError ? [{ href: 'resolution-note', message: errorMessage(serverError) }] : []),
  ];
  const errorFor = (id: string) => shown.find((e) => e.href === id)?.message;
  return (
    <form onSubmit={submit} noValidate aria-label="Resolve alert">
      <ErrorSummary errors={shown} />
      <SelectField
        id="resolution-outcome"
        label="Outcome"
        hint="What came of this alert."
        value={outcome}
        choices={OUTCOMES}
        onChange={setOutcome}
        placeholder="Select outcome"
        error={errorFor('resolution-outcome')}
      />
      <Field
        id="resolution-note"
        label="Resolution note"
        hint="Say what was done. A note is required."
        error={errorFor('resolution-note')}
      >
        {(describedBy, hasError) => (
          <textarea
            className={`nhsuk-textarea${hasError ? ' nhsuk-textarea--error' : ''}`}
            id="resolution-note"
            name="resolution-note"
            rows={3}
            value={note}
            aria-describedby={describedBy}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" disabled={pending} secondary>
        Resolve alert
      </Button>
    </form>
  );
}
