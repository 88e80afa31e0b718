import { freshnessMinutes } from '@vigil/alerting';
import type { PatientDetail } from '@vigil/contracts';
import { formatAge, formatValue, formatWindow, isStale, parameterLabel } from '../common/format';

/** HZ-06: a value older than the patient's freshness window is labelled stale, never shown as current. */
export function LatestObservations({ patient, now }: { patient: PatientDetail; now: number }) {
  const freshFor = freshnessMinutes(patient.monitoring);
  if (patient.latestObservations.length === 0) return <p className="nhsuk-body">No readings yet.</p>;
  return (
    <table className="nhsuk-table" data-testid="latest-observations">
      <caption className="nhsuk-table__caption nhsuk-table__caption--s">
        Newest value of each parameter. Values {formatWindow(freshFor)} old or older are marked stale.
      </caption>
      <thead>
        <tr>
          <th scope="col">Parameter</th>
          <th scope="col">Value</th>
          <th scope="col">Measured</th>
        </tr>
      </thead>
      <tbody>
        {patient.latestObservations.map((o) => {
          const stale = isStale(o.measuredAt, now, patient.monitoring);
          return (
            <tr key={o.parameter} className={stale ? 'vigil-stale' : undefined} data-stale={stale}>
              <td>{parameterLabel(o.parameter)}</td>
              <td>
                {stale && (
                  <strong
                    className="nhsuk-tag nhsuk-tag--grey nhsuk-u-margin-right-2"
                    data-testid="stale-marker"
                  >
                    Stale
                  </strong>
                )}
                <span className={stale ? 'vigil-stale__value' : undefined}>{formatValue(o)}</span>
              </td>
              <td>{formatAge(o.measuredAt, now)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
