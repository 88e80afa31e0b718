import { DEFAULT_FRESHNESS_MINUTES } from '@vigil/alerting';
import type { PatientDetail } from '@vigil/contracts';
import { formatWindow, parameterLabel } from '../common/format';

export function MonitoringPanel({ patient }: { patient: PatientDetail }) {
  const m = patient.monitoring;
  return (
    <>
      <dl className="nhsuk-summary-list">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Required readings</dt>
          <dd className="nhsuk-summary-list__value">
            {m.requiredParameters && m.requiredParameters.length > 0
              ? m.requiredParameters.map(parameterLabel).join(', ')
              : 'Not set'}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Schedule</dt>
          <dd className="nhsuk-summary-list__value">
            {m.intervalMinutes
              ? `Every ${m.intervalMinutes} minutes, ${m.graceMinutes ?? 0} minutes grace`
              : 'Not set'}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Freshness window</dt>
          <dd className="nhsuk-summary-list__value">
            {m.freshnessMinutes
              ? formatWindow(m.freshnessMinutes)
              : `Not set (the default, ${formatWindow(DEFAULT_FRESHNESS_MINUTES)}, applies)`}
          </dd>
        </div>
      </dl>
      <h3>Personal thresholds</h3>
      {patient.thresholds.length === 0 ? (
        <p className="nhsuk-body">No personal thresholds.</p>
      ) : (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Personal thresholds</caption>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">Alert below</th>
              <th scope="col">Alert above</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {patient.thresholds.map((t) => (
              <tr key={t.parameter}>
                <td>{parameterLabel(t.parameter)}</td>
                <td>{t.below ?? '–'}</td>
                <td>{t.above ?? '–'}</td>
                <td>{t.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
