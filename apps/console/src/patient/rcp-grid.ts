import { scoreNews2, type News2Input } from '@vigil/clinical';
import type { ObservationView } from '@vigil/contracts';

/** RCP NEWS2 chart colours: 3 red, 2 amber, 1 yellow, 0 white; unknown when the score cannot be known. */
export type CellColour = 'red' | 'amber' | 'yellow' | 'white' | 'unknown';

export function cellColour(score: number | null): CellColour {
  switch (score) {
    case null:
      return 'unknown';
    case 0:
      return 'white';
    case 1:
      return 'yellow';
    case 2:
      return 'amber';
    default:
      return score >= 3 ? 'red' : 'unknown';
  }
}

export interface GridCell {
  text: string;
  score: number | null;
  colour: CellColour;
  retrospective: boolean;
}

export type RowKey =
  | 'respiratoryRate'
  | 'spo2Scale1'
  | 'spo2Scale2'
  | 'airOrOxygen'
  | 'systolicBp'
  | 'pulse'
  | 'consciousness'
  | 'temperature';

export interface GridRow {
  key: RowKey;
  /** RCP chart section letter (A+B respiration, C circulation, D disability, E exposure). */
  section: 'A+B' | 'C' | 'D' | 'E';
  label: string;
  /** False for the SpO2 scale the patient is not on: shown, greyed, never scored (as on paper). */
  inUse: boolean;
  cells: (GridCell | null)[];
}

export interface RcpGrid {
  /** Column instants (ISO, to the minute), oldest first as on the paper chart. */
  columns: string[];
  rows: GridRow[];
}

interface RowSpec {
  key: RowKey;
  section: GridRow['section'];
  label: string;
  parameter: string;
}

const ROWS: readonly RowSpec[] = [
  { key: 'respiratoryRate', section: 'A+B', label: 'Respirations (per min)', parameter: 'respiratoryRate' },
  { key: 'spo2Scale1', section: 'A+B', label: 'SpO2 scale 1 (%)', parameter: 'spo2' },
  { key: 'spo2Scale2', section: 'A+B', label: 'SpO2 scale 2 (%)', parameter: 'spo2' },
  { key: 'airOrOxygen', section: 'A+B', label: 'Air or oxygen', parameter: 'inspiredOxygen' },
  { key: 'systolicBp', section: 'C', label: 'Systolic blood pressure (mmHg)', parameter: 'systolicBp' },
  { key: 'pulse', section: 'C', label: 'Pulse (per min)', parameter: 'heartRate' },
  { key: 'consciousness', section: 'D', label: 'Consciousness (ACVPU)', parameter: 'consciousness' },
  { key: 'temperature', section: 'E', label: 'Temperature (°C)', parameter: 'temperature' },
];

const GRID_PARAMETERS = new Set(ROWS.map((r) => r.parameter));

function minuteOf(iso: string): string {
  const d = new Date(iso);
  d.setUTCSeconds(0, 0);
  return d.toISOString();
}

function scoreFor(
  row: RowKey,
  o: ObservationView,
  scale: 1 | 2,
  onOxygen: boolean | undefined,
): number | null {
  const input: News2Input = { spo2Scale: scale };
  switch (row) {
    case 'respiratoryRate':
      return scoreNews2({ ...input, respiratoryRate: o.value }).perParameter.respiratoryRate ?? null;
    case 'spo2Scale1':
    case 'spo2Scale2': {
      // Scale 2 above 92% depends on oxygen; with oxygen unknown the score is unknown, not 0.
      if (scale === 2 && o.value > 92 && onOxygen === undefined) return null;
      return scoreNews2({ ...input, spo2: o.value, onOxygen }).perParameter.spo2 ?? null;
    }
    case 'airOrOxygen':
      return o.valueCode === 'oxygen' ? 2 : o.valueCode === 'air' ? 0 : null;
    case 'systolicBp':
      return scoreNews2({ ...input, systolicBp: o.value }).perParameter.systolicBp ?? null;
    case 'pulse':
      return scoreNews2({ ...input, pulse: o.value }).perParameter.pulse ?? null;
    case 'consciousness': {
      const code = o.valueCode;
      if (code !== 'A' && code !== 'C' && code !== 'V' && code !== 'P' && code !== 'U') return null;
      return scoreNews2({ ...input, consciousness: code }).perParameter.consciousness ?? null;
    }
    case 'temperature':
      return scoreNews2({ ...input, temperatureC: o.value }).perParameter.temperature ?? null;
  }
}

function cellText(row: RowKey, o: ObservationView): string {
  if (row === 'airOrOxygen') return o.valueCode === 'oxygen' ? 'O2' : o.valueCode === 'air' ? 'Air' : '?';
  if (row === 'consciousness') return o.valueCode ?? '?';
  if (row === 'temperature') return o.value.toFixed(1);
  return String(Math.round(o.value));
}

/**
 * Lays observations out like the RCP NEWS2 chart: one column per minute that has a reading (newest
 * `maxColumns`), one row per chart parameter. Each cell keeps its text value beside the colour so the
 * chart never relies on colour alone.
 */
export function buildRcpGrid(
  observations: readonly ObservationView[],
  scale: 1 | 2,
  maxColumns = 12,
): RcpGrid {
  const relevant = observations
    .filter((o) => GRID_PARAMETERS.has(o.parameter))
    .sort((a, b) => Date.parse(a.measuredAt) - Date.parse(b.measuredAt));
  const columns = [...new Set(relevant.map((o) => minuteOf(o.measuredAt)))].slice(-maxColumns);
  const columnIndex = new Map(columns.map((c, i) => [c, i]));

  // The newest reading per parameter per column (input is sorted, so later wins).
  const byColumn = new Map<string, ObservationView>();
  // Oxygen status as of each column: carried forward from the latest air/oxygen entry at or before it.
  const oxygenAt: (boolean | undefined)[] = columns.map(() => undefined);
  let oxygen: boolean | undefined;
  let nextColumn = 0;
  for (const o of relevant) {
    const minute = minuteOf(o.measuredAt);
    const index = columnIndex.get(minute);
    if (o.parameter === 'inspiredOxygen') oxygen = o.valueCode === 'oxygen';
    if (index === undefined) continue;
    while (nextColumn <= index) oxygenAt[nextColumn++] = oxygen;
    oxygenAt[index] = oxygen;
    byColumn.set(`${o.parameter}@${index}`, o);
  }

  const rows = ROWS.map((spec): GridRow => {
    const inUse = spec.key === 'spo2Scale1' ? scale === 1 : spec.key === 'spo2Scale2' ? scale === 2 : true;
    const cells = columns.map((_, i): GridCell | null => {
      if (!inUse) return null;
      const o = byColumn.get(`${spec.parameter}@${i}`);
      if (!o) return null;
      const score = scoreFor(spec.key, o, scale, oxygenAt[i]);
      return {
        text: cellText(spec.key, o),
        score,
        colour: cellColour(score),
        retrospective: o.retrospective,
      };
    });
    return { key: spec.key, section: spec.section, label: spec.label, inUse, cells };
  });
  return { columns, rows };
}
