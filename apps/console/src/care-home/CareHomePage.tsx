import type { CareHomeFallView, CareHomeView } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useId, useState } from 'react';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { formatAge, formatDateTime } from '../common/format';
import { PageState } from '../common/PageState';
import { useNow } from '../common/useNow';
import { useLive } from '../live/LiveContext';
import {
  useCareHomeFalls,
  useCareHomes,
  useFallAction,
  useFallsPrevention,
  useFallsReport,
} from './care-home-api';
import { fallStatus, minutesText } from './care-home-text';

function FallActions({ homeId, fall }: { homeId: string; fall: CareHomeFallView }) {
  const action = useFallAction(homeId, fall.alert.id);
  const [note, setNote] = useState('');
  const noteId = useId();
  const who = `${fall.resident.givenName} ${fall.resident.familyName}`;
  if (fall.alert.state === 'resolved') return null;
  return (
    <>
      <ApiErrorMessage error={action.error} />
      {(fall.alert.state === 'open' || fall.alert.state === 'escalated') && (
        <Button
          type="button"
          disabled={action.isPending}
          onClick={() => action.mutate({ kind: 'acknowledge' })}
        >
          Acknowledge<span className="nhsuk-u-visually-hidden"> the fall of {who}</span>
        </Button>
      )}
      {fall.alert.state === 'acknowledged' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            action.mutate({ kind: 'resolve', note });
          }}
        >
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor={noteId}>
              What happened and what was done<span className="nhsuk-u-visually-hidden"> for {who}</span>
            </label>
            <textarea
              className="nhsuk-textarea"
              id={noteId}
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <Button type="submit" secondary disabled={action.isPending || note.trim() === ''}>
            Resolve<span className="nhsuk-u-visually-hidden"> the fall of {who}</span>
          </Button>
        </form>
      )}
    </>
  );
}

function FallsList({ home }: { home: CareHomeView }) {
  const { connected } = useLive();
  const falls = useCareHomeFalls(home.id, !connected);
  const now = useNow();
  return (
    <PageState query={falls}>
      {(list) => {
        const waiting = list.filter((f) => f.alert.state === 'open' && f.with === 'care-home').length;
        return (
          <>
            <p className="nhsuk-body" role="status" data-testid="falls-waiting">
              {waiting === 0
                ? 'No falls are waiting for you.'
                : `${waiting} ${waiting === 1 ? 'fall is' : 'falls are'} waiting for you to acknowledge.`}
            </p>
            {list.length > 0 && (
              <table className="nhsuk-table" data-testid="falls-table">
                <caption className="nhsuk-table__caption">Falls in the last 7 days, open first</caption>
                <thead>
                  <tr>
                    <th scope="col">Resident</th>
                    <th scope="col">When</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="nhsuk-u-visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((f) => (
                    <tr key={f.alert.id} data-testid="fall-row" data-alert-id={f.alert.id}>
                      <td>
                        {f.resident.givenName} {f.resident.familyName}
                        {f.resident.room && (
                          <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">Room {f.resident.room}</div>
                        )}
                      </td>
                      <td>
                        {formatAge(f.alert.openedAt, now)}
                        <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                          {formatDateTime(f.alert.openedAt)}
                        </div>
                      </td>
                      <td data-testid="fall-status">{fallStatus(f)}</td>
                      <td>
                        <FallActions homeId={home.id} fall={f} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        );
      }}
    </PageState>
  );
}

function FallsView({ home }: { home: CareHomeView }) {
  const { connected } = useLive();
  const report = useFallsReport(home.id, !connected);
  const enrol = useFallsPrevention(home.id);
  return (
    <PageState query={report}>
      {(r) => (
        <>
          <dl className="nhsuk-summary-list" data-testid="falls-summary">
            {(
              [
                ['Falls in the last 7 days', String(r.falls7)],
                ['Falls in the last 30 days', String(r.falls30)],
                ['Median time to acknowledge (30 days)', minutesText(r.medianMinutesToAcknowledge)],
                ['Longest time to acknowledge (30 days)', minutesText(r.longestMinutesToAcknowledge)],
                [
                  'Sent to the virtual ward, not acknowledged in time (30 days)',
                  String(r.timedOutToVirtualWard30),
                ],
                ['Repeat fallers (2 or more falls in 30 days)', String(r.repeatFallers)],
              ] as const
            ).map(([k, v]) => (
              <div className="nhsuk-summary-list__row" key={k}>
                <dt className="nhsuk-summary-list__key">{k}</dt>
                <dd className="nhsuk-summary-list__value">{v}</dd>
              </div>
            ))}
          </dl>
          <ApiErrorMessage error={enrol.error} />
          <table className="nhsuk-table" data-testid="residents-table">
            <caption className="nhsuk-table__caption">Falls per resident, most first</caption>
            <thead>
              <tr>
                <th scope="col">Resident</th>
                <th scope="col">Last 7 days</th>
                <th scope="col">Last 30 days</th>
                <th scope="col">Falls prevention</th>
              </tr>
            </thead>
            <tbody>
              {r.residents.map((x) => (
                <tr key={x.patientId} data-testid="resident-row">
                  <td>
                    {x.name}
                    {x.room && <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">Room {x.room}</div>}
                    {x.repeatFaller && <strong className="nhsuk-tag nhsuk-tag--orange">Repeat faller</strong>}
                  </td>
                  <td>{x.falls7}</td>
                  <td>{x.falls30}</td>
                  <td>
                    {x.fallsPrevention ? 'Enrolled' : 'Not enrolled'}
                    <div>
                      <Button
                        type="button"
                        small
                        secondary
                        disabled={enrol.isPending}
                        onClick={() => enrol.mutate({ patientId: x.patientId, enrolled: !x.fallsPrevention })}
                      >
                        {x.fallsPrevention ? 'End enrolment' : 'Enrol'}
                        <span className="nhsuk-u-visually-hidden"> {x.name} in falls prevention</span>
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </PageState>
  );
}

/** Care-home staff (issue 14): their residents' falls first, then the home's falls view. */
export function CareHomePage() {
  const homes = useCareHomes();
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <PageState query={homes}>
      {(list) => {
        const home = list.find((h) => h.id === chosen) ?? list[0];
        if (!home) {
          return (
            <>
              <h1>Falls</h1>
              <p className="nhsuk-body">You are not staff of any care home yet. Ask an administrator.</p>
            </>
          );
        }
        return (
          <>
            <h1>Falls at {home.name}</h1>
            {list.length > 1 && (
              <div className="nhsuk-form-group">
                <label className="nhsuk-label" htmlFor="care-home">
                  Care home
                </label>
                <select
                  className="nhsuk-select"
                  id="care-home"
                  value={home.id}
                  onChange={(e) => setChosen(e.target.value)}
                >
                  {list.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <p className="nhsuk-body">
              A resident&apos;s fall comes to you first. If nobody here acknowledges it within 10 minutes, it
              goes to the virtual ward.
            </p>
            <FallsList home={home} />
            <h2>Falls prevention</h2>
            <FallsView home={home} />
          </>
        );
      }}
    </PageState>
  );
}
