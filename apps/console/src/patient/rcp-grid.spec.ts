import type { ObservationView } from '@vigil/contracts';
import { buildRcpGrid, cellColour } from './rcp-grid';

let n = 0;
function obs(
  parameter: string,
  value: number,
  measuredAt: string,
  valueCode: string | null = null,
): ObservationView {
  n += 1;
  return {
    id: `o${n}`,
    parameter,
    value,
    valueCode,
    unit: '',
    measuredAt,
    receivedAt: measuredAt,
    retrospective: false,
    source: 'device',
  };
}

describe('cellColour', () => {
  it('colours 3 red, 2 amber, 1 yellow, 0 white, unknown when unscored', () => {
    expect([3, 2, 1, 0, null].map(cellColour)).toEqual(['red', 'amber', 'yellow', 'white', 'unknown']);
  });
});

describe('buildRcpGrid', () => {
  const t1 = '2026-11-30T08:00:10Z';
  const t2 = '2026-11-30T09:00:40Z';

  it('lays rows out in RCP order with a text value and score in each cell', () => {
    const grid = buildRcpGrid(
      [
        obs('heartRate', 135, t2),
        obs('respiratoryRate', 18, t1),
        obs('temperature', 38.5, t1),
        obs('consciousness', 2, t2, 'V'),
        obs('spo2', 95, t1),
        obs('inspiredOxygen', 1, t1, 'oxygen'),
        obs('systolicBp', 95, t2),
      ],
      1,
    );
    expect(grid.columns).toEqual(['2026-11-30T08:00:00.000Z', '2026-11-30T09:00:00.000Z']);
    expect(grid.rows.map((r) => r.key)).toEqual([
      'respiratoryRate',
      'spo2Scale1',
      'spo2Scale2',
      'airOrOxygen',
      'systolicBp',
      'pulse',
      'consciousness',
      'temperature',
    ]);
    const row = (key: string) => grid.rows.find((r) => r.key === key)!;
    expect(row('respiratoryRate').cells[0]).toMatchObject({ text: '18', score: 0, colour: 'white' });
    expect(row('spo2Scale1').cells[0]).toMatchObject({ text: '95', score: 1, colour: 'yellow' });
    expect(row('airOrOxygen').cells[0]).toMatchObject({ text: 'O2', score: 2, colour: 'amber' });
    expect(row('temperature').cells[0]).toMatchObject({ text: '38.5', score: 1, colour: 'yellow' });
    expect(row('pulse').cells[1]).toMatchObject({ text: '135', score: 3, colour: 'red' });
    expect(row('systolicBp').cells[1]).toMatchObject({ text: '95', score: 2, colour: 'amber' });
    expect(row('consciousness').cells[1]).toMatchObject({ text: 'V', score: 3, colour: 'red' });
    expect(row('pulse').cells[0]).toBeNull();
  });

  it('puts SpO2 on the patient scale row only; the other row is not in use', () => {
    const grid = buildRcpGrid([obs('spo2', 90, t1)], 2);
    const s1 = grid.rows.find((r) => r.key === 'spo2Scale1')!;
    const s2 = grid.rows.find((r) => r.key === 'spo2Scale2')!;
    expect(s1.inUse).toBe(false);
    expect(s1.cells).toEqual([null]);
    expect(s2.cells[0]).toMatchObject({ text: '90', score: 0, colour: 'white' });
  });

  it('scale 2 above 92% uses oxygen carried forward, and is unknown (not white) when oxygen is unknown', () => {
    const unknown = buildRcpGrid([obs('spo2', 97, t2)], 2);
    expect(unknown.rows.find((r) => r.key === 'spo2Scale2')!.cells[0]).toMatchObject({
      score: null,
      colour: 'unknown',
    });
    const onOxygen = buildRcpGrid([obs('inspiredOxygen', 1, t1, 'oxygen'), obs('spo2', 97, t2)], 2);
    expect(onOxygen.rows.find((r) => r.key === 'spo2Scale2')!.cells[1]).toMatchObject({
      score: 3,
      colour: 'red',
    });
  });

  it('keeps only the newest columns', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      obs('heartRate', 70, new Date(Date.parse(t1) + i * 60_000).toISOString()),
    );
    const grid = buildRcpGrid(many, 1, 12);
    expect(grid.columns).toHaveLength(12);
    expect(grid.columns[11]).toBe('2026-11-30T08:19:00.000Z');
  });
});
