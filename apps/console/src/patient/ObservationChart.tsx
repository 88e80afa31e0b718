import type { ObservationView } from '@vigil/contracts';
import { useMemo } from 'react';
import { formatTime } from '../common/format';
import { buildRcpGrid, type GridCell } from './rcp-grid';

const SCORE_WORDS: Record<string, string> = {
  red: 'scores 3',
  amber: 'scores 2',
  yellow: 'scores 1',
  white: 'scores 0',
};

function Cell({ cell }: { cell: GridCell | null }) {
  if (!cell) return <td className="vigil-rcp__cell vigil-rcp__cell--empty" />;
  return (
    <td className={`vigil-rcp__cell vigil-rcp__cell--${cell.colour}`}>
      {cell.text}
      <span className="nhsuk-u-visually-hidden">
        {cell.score === null
          ? ', score unknown: air or oxygen not recorded'
          : `, ${SCORE_WORDS[cell.colour]}`}
        {cell.retrospective ? ', late reading' : ''}
      </span>
      {cell.score === null && <span aria-hidden="true">?</span>}
    </td>
  );
}

/** The NEWS2 observation chart, laid out like the RCP paper chart (rows A–E, time across). */
export function ObservationChart({ observations, scale }: { observations: ObservationView[]; scale: 1 | 2 }) {
  const grid = useMemo(() => buildRcpGrid(observations, scale), [observations, scale]);
  if (grid.columns.length === 0) {
    return <p className="nhsuk-body">No observations in the last 24 hours.</p>;
  }
  return (
    <div className="vigil-rcp-wrapper" tabIndex={0} role="region" aria-labelledby="rcp-caption">
      <table className="vigil-rcp" data-testid="rcp-chart">
        <caption id="rcp-caption" className="nhsuk-table__caption">
          NEWS2 observation chart. Cells coloured by score: red 3, amber 2, yellow 1, white 0; each shows its
          value.
        </caption>
        <thead>
          <tr>
            <th scope="col">Section</th>
            <th scope="col">Parameter</th>
            {grid.columns.map((c) => (
              <th scope="col" key={c}>
                <time dateTime={c}>{formatTime(c)}</time>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.key} className={row.inUse ? undefined : 'vigil-rcp__row--unused'}>
              <td className="vigil-rcp__section">{row.section}</td>
              <th scope="row">
                {row.label}
                {!row.inUse && <span className="nhsuk-body-s"> (not in use)</span>}
              </th>
              {row.cells.map((cell, i) => (
                <Cell key={grid.columns[i]} cell={cell} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
