import type { WardScheduleRow } from '@vigil/contracts';
import { Tag } from 'nhsuk-react-components';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { DataTable } from '../common/DataTable';
import { displayNhsNumber, formatDateTime, parameterLabel, patientName } from '../common/format';
import { PageState } from '../common/PageState';
import { useLive } from '../live/LiveContext';
import { useWardSchedule } from './pathway-queries';
import { everyText, STATUS_TAG, statusCounts } from './schedule-format';

/** The ward view of due and overdue readings: patients with overdue readings first. */
export function WardSchedulePage() {
  const { connected } = useLive();
  const schedule = useWardSchedule(undefined, !connected);
  const rows = useMemo(
    () =>
      [...(schedule.data ?? [])].sort(
        (a, b) =>
          statusCounts(b.readings).overdue - statusCounts(a.readings).overdue ||
          a.familyName.localeCompare(b.familyName),
      ),
    [schedule.data],
  );
  return (
    <>
      <h1>Readings due</h1>
      <p className="nhsuk-body">
        Each patient’s scheduled readings from their monitoring plan. Overdue readings also raise an alert.
      </p>
      <PageState query={schedule}>
        {() =>
          rows.length === 0 ? (
            <p className="nhsuk-body" data-testid="schedule-empty">
              No patient on your wards has a monitoring plan.
            </p>
          ) : (
            <DataTable<WardScheduleRow>
              caption={`${rows.length} patients on a pathway, overdue first`}
              testId="ward-schedule"
              rowTestId="ward-schedule-row"
              rows={rows}
              rowKey={(r) => r.patientId}
              columns={[
                {
                  header: 'Patient',
                  cell: (r) => (
                    <>
                      <Link to={`/patients/${r.patientId}`}>{patientName(r)}</Link>
                      <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                        NHS number: {displayNhsNumber(r.nhsNumber)}
                      </div>
                    </>
                  ),
                },
                { header: 'Pathway', cell: (r) => r.pathway + (r.tightened ? ' (tightened)' : '') },
                {
                  header: 'Readings',
                  cell: (r) => (
                    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                      {r.readings.map((x) => (
                        <li key={x.parameter} data-testid="ward-reading">
                          <Tag modifier={STATUS_TAG[x.status].modifier}>{STATUS_TAG[x.status].text}</Tag>{' '}
                          {parameterLabel(x.parameter)} – {everyText(x)};{' '}
                          {x.status === 'done' ? 'next' : 'due'} {formatDateTime(x.dueAt)}
                        </li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          )
        }
      </PageState>
    </>
  );
}
