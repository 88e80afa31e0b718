import { SMI_CONTACT_OUTCOMES, type MissedCheckInView, type SmiContactOutcome } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { Field } from '../common/Field';
import { formatAge, formatDateTime } from '../common/format';
import { PageState } from '../common/PageState';
import { SelectField } from '../common/SelectField';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';
import { useMissedCheckIns, useRecordContact } from './smi-api';
import { byCoordinatorThenAge, lastContactText, OUTCOME_LABELS } from './smi-text';

const CHOICES = SMI_CONTACT_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] }));

function ContactForm({ m }: { m: MissedCheckInView }) {
  const record = useRecordContact(m.id);
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const who = `${m.givenName} ${m.familyName}`;
  const id = `contact-${m.id}`;
  return (
    <form
      aria-label={`Record a contact with ${who}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!outcome) {
          setError(`Choose what came of the contact with ${who}`);
          return;
        }
        setError(undefined);
        record.mutate(
          { outcome: outcome as SmiContactOutcome, note },
          {
            onSuccess: () => {
              setOutcome('');
              setNote('');
            },
          },
        );
      }}
    >
      <ApiErrorMessage error={record.error} />
      <SelectField
        id={`${id}-outcome`}
        label={`What came of the contact with ${who}`}
        error={error}
        value={outcome}
        choices={CHOICES}
        placeholder="Select an outcome"
        onChange={setOutcome}
      />
      <Field id={`${id}-note`} label={`Note about ${who} (optional)`}>
        {(describedBy) => (
          <textarea
            className="nhsuk-textarea"
            id={`${id}-note`}
            rows={2}
            value={note}
            aria-describedby={describedBy}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" secondary disabled={record.isPending}>
        Record contact<span className="nhsuk-u-visually-hidden"> with {who}</span>
      </Button>
    </form>
  );
}

/**
 * Missed SMI check-ins (issue 14 §3, HZ-44, HZ-66): for the named care coordinator (theirs first) and the
 * patient's ward. Live over the socket gateway: a newly missed check-in or a colleague's contact shows without
 * a reload.
 */
export function MissedCheckInsPage() {
  const { connected } = useLive();
  const missed = useMissedCheckIns(true, !connected);
  const now = useNow();
  return (
    <>
      <h1>Missed check-ins</h1>
      <p className="nhsuk-body">
        People on the severe mental illness physical-health plan whose weekly check-in did not come in. These
        go to their named care coordinator, not to the virtual ward&apos;s alerts. Record each contact:
        reaching the person takes them off this list; no answer keeps them on it.
      </p>
      <PageState query={missed}>
        {(list) =>
          list.length === 0 ? (
            <p className="nhsuk-body" role="status" data-testid="missed-none">
              No missed check-ins.
            </p>
          ) : (
            <>
              <p className="nhsuk-body" role="status" data-testid="missed-count">
                {list.length === 1 ? '1 missed check-in' : `${list.length} missed check-ins`}
                {list.some((m) => m.mine) ? `, ${list.filter((m) => m.mine).length} of them yours` : ''}.
              </p>
              <table className="nhsuk-table" data-testid="missed-table">
                <caption className="nhsuk-table__caption">
                  Missed check-ins, yours first, longest missed first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Due</th>
                    <th scope="col">Missed since</th>
                    <th scope="col">Last check-in</th>
                    <th scope="col">Last contact</th>
                    <th scope="col">Record a contact</th>
                  </tr>
                </thead>
                <tbody>
                  {byCoordinatorThenAge(list).map((m) => (
                    <tr key={m.id} data-testid="missed-row" data-missed-id={m.id}>
                      <td>
                        <Link to={`/patients/${m.patientId}`}>
                          {m.givenName} {m.familyName}
                        </Link>
                        <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                          Care coordinator: {m.coordinatorName} ({m.coordinatorContact})
                        </div>
                        {m.mine && <strong className="nhsuk-tag nhsuk-tag--blue">Yours</strong>}
                      </td>
                      <td>{formatDateTime(m.dueAt)}</td>
                      <td data-testid="missed-since">
                        {formatDateTime(m.missedAt)}
                        <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                          {formatAge(m.missedAt, now)}
                        </div>
                      </td>
                      <td>{m.lastCheckInAt ? formatDateTime(m.lastCheckInAt) : 'Never'}</td>
                      <td data-testid="last-contact">{lastContactText(m)}</td>
                      <td>
                        <ContactForm m={m} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </PageState>
    </>
  );
}
