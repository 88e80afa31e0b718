import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CareHomeView } from '@vigil/contracts';
import { Button } from 'nhsuk-react-components';
import { useState } from 'react';
import { api } from '../api/http.client';
import { usePatients, useUsers, useWards } from '../api/queries';
import { careHomeKeys, useCareHomes, useResidents } from '../care-home/care-home-api';
import { ApiErrorMessage } from '../common/ApiErrorMessage';
import { displayNhsNumber } from '../common/format';
import { PageState } from '../common/PageState';

function HomeSetup({ home }: { home: CareHomeView }) {
  const client = useQueryClient();
  const users = useUsers();
  const patients = usePatients(undefined);
  const residents = useResidents(home.id);
  const [staffId, setStaffId] = useState('');
  const [patientId, setPatientId] = useState('');
  const [room, setRoom] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const addStaff = useMutation({
    mutationFn: () => api.post<void>(`/care-homes/${home.id}/staff`, { userId: staffId }),
    onSuccess: () => setDone('Staff member added.'),
  });
  const addResident = useMutation({
    mutationFn: () =>
      api.post(`/care-homes/${home.id}/residents`, {
        patientId,
        room: room || undefined,
        fallsPrevention: true,
      }),
    onSuccess: () => {
      setDone('Resident added and enrolled in falls prevention.');
      setRoom('');
    },
    onSettled: () => client.invalidateQueries({ queryKey: careHomeKeys.residents(home.id) }),
  });
  const careHomeUsers = (users.data ?? []).filter((u) => u.role === 'care-home' && !u.disabled);
  const sid = `staff-${home.id}`;
  const pid = `resident-${home.id}`;
  const rid = `room-${home.id}`;
  return (
    <section aria-labelledby={`home-${home.id}`}>
      <h2 id={`home-${home.id}`}>{home.name}</h2>
      {done && (
        <p className="nhsuk-body" role="status">
          {done}
        </p>
      )}
      <PageState query={residents}>
        {(list) =>
          list.length === 0 ? (
            <p className="nhsuk-body">No residents yet.</p>
          ) : (
            <table className="nhsuk-table">
              <caption className="nhsuk-table__caption">Residents of {home.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Resident</th>
                  <th scope="col">Room</th>
                  <th scope="col">Falls prevention</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.patientId}>
                    <td>
                      {r.givenName} {r.familyName}
                      <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                        NHS number: {displayNhsNumber(r.nhsNumber)}
                      </div>
                    </td>
                    <td>{r.room ?? '–'}</td>
                    <td>{r.fallsPreventionSince ? 'Enrolled' : 'Not enrolled'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </PageState>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          addResident.mutate();
        }}
      >
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={pid}>
            Add a resident (an admitted patient)
          </label>
          <select
            className="nhsuk-select"
            id={pid}
            value={patientId}
            onChange={(e) => setPatientId(e.target.value)}
          >
            <option value="">Choose a patient</option>
            {(patients.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.familyName.toUpperCase()}, {p.givenName} – {displayNhsNumber(p.nhsNumber)}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={rid}>
            Room (optional)
          </label>
          <input
            className="nhsuk-input nhsuk-input--width-5"
            id={rid}
            value={room}
            onChange={(e) => setRoom(e.target.value)}
          />
        </div>
        <ApiErrorMessage error={addResident.error} />
        <Button type="submit" secondary disabled={!patientId || addResident.isPending}>
          Add resident<span className="nhsuk-u-visually-hidden"> to {home.name}</span>
        </Button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          addStaff.mutate();
        }}
      >
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor={sid}>
            Add a staff member (a care-home account)
          </label>
          <select
            className="nhsuk-select"
            id={sid}
            value={staffId}
            onChange={(e) => setStaffId(e.target.value)}
          >
            <option value="">Choose an account</option>
            {careHomeUsers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </div>
        <ApiErrorMessage error={addStaff.error} />
        <Button type="submit" secondary disabled={!staffId || addStaff.isPending}>
          Add staff member<span className="nhsuk-u-visually-hidden"> to {home.name}</span>
        </Button>
      </form>
    </section>
  );
}

/** Admin (issue 14): care homes, the virtual ward each escalates to, their staff and residents. */
export function CareHomesAdminPage() {
  const client = useQueryClient();
  const homes = useCareHomes();
  const wards = useWards();
  const [name, setName] = useState('');
  const [wardId, setWardId] = useState('');
  const create = useMutation({
    mutationFn: () => api.post<CareHomeView>('/care-homes', { name, escalationWardId: wardId }),
    onSuccess: () => setName(''),
    onSettled: () => client.invalidateQueries({ queryKey: careHomeKeys.homes }),
  });
  return (
    <>
      <h1>Care homes</h1>
      <p className="nhsuk-body">
        A resident&apos;s fall goes to the home&apos;s staff first, and to the virtual ward named here if
        nobody at the home acknowledges it within 10 minutes.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="care-home-name">
            Name of the care home
          </label>
          <input
            className="nhsuk-input nhsuk-input--width-20"
            id="care-home-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="care-home-ward">
            Virtual ward for unacknowledged falls
          </label>
          <select
            className="nhsuk-select"
            id="care-home-ward"
            value={wardId}
            onChange={(e) => setWardId(e.target.value)}
          >
            <option value="">Choose a ward</option>
            {(wards.data ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <ApiErrorMessage error={create.error} />
        <Button type="submit" disabled={!name.trim() || !wardId || create.isPending}>
          Add care home
        </Button>
      </form>
      <PageState query={homes}>
        {(list) => (
          <>
            {list.map((h) => (
              <HomeSetup key={h.id} home={h} />
            ))}
          </>
        )}
      </PageState>
    </>
  );
}
