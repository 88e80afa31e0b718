import type { ObservationView } from '@vigil/contracts';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDateTime, formatValue, parameterLabel } from '../common/format';
import { timeWindow, trendSeries, ukTimeTemplate } from './trend-series';

interface Props {
  parameter: string;
  observations: ObservationView[];
}

/** A uPlot line for one parameter, with the same readings as a table for anyone who cannot use the chart. */
export function TrendChart({ parameter, observations }: Props) {
  const series = useMemo(() => trendSeries(observations, parameter), [observations, parameter]);
  const container = useRef<HTMLDivElement>(null);
  const label = parameterLabel(parameter);
  const headingId = `trend-${parameter}`;

  useEffect(() => {
    const el = container.current;
    if (!el || series.times.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth || 560),
        height: 180,
        // A fixed time window: with one or two readings uPlot's auto range stretches the axis over years.
        scales: { x: { time: true, auto: false, range: timeWindow(series.times) } },
        series: [{}, { label, stroke: '#005eb8', width: 2, points: { show: true, size: 6 } }],
        // 24-hour UK (Europe/London) times on the axis, as on the observation chart.
        fmtDate: (template: string) => uPlot.fmtDate(ukTimeTemplate(template)),
        tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Europe/London'),
        axes: [{}, { size: 50 }],
        legend: { show: false },
      },
      [series.times, series.values],
      el,
    );
    return () => plot.destroy();
  }, [series, label]);

  return (
    <figure className="vigil-trend" aria-labelledby={headingId}>
      <figcaption>
        <h3 id={headingId} className="nhsuk-heading-s">
          {label}
        </h3>
      </figcaption>
      {series.times.length === 0 ? (
        <p className="nhsuk-body-s">No readings in the last 24 hours.</p>
      ) : (
        <>
          <div
            ref={container}
            role="img"
            aria-label={`${label} trend chart; the same readings are in the table below`}
          />
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">{label} readings as a table</span>
            </summary>
            <div className="nhsuk-details__text">
              <table className="nhsuk-table">
                <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{label} readings</caption>
                <thead>
                  <tr>
                    <th scope="col">Measured</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {series.points.map((p) => (
                    <tr key={p.id}>
                      <td>{formatDateTime(p.measuredAt)}</td>
                      <td>{formatValue(p)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
