import type { ObservationView } from '@vigil/contracts';
import { trendSeries } from './trend-series';

const o = (parameter: string, value: number, measuredAt: string): ObservationView => ({
  id: `${parameter}${measuredAt}`,
  parameter,
  value,
  valueCode: null,
  unit: '/min',
  measuredAt,
  receivedAt: measuredAt,
  retrospective: false,
  source: 'device',
});

describe('trendSeries', () => {
  it('keeps one parameter, sorted by time, in unix seconds', () => {
    const s = trendSeries(
      [
        o('heartRate', 90, '2026-11-30T10:01:00Z'),
        o('spo2', 95, '2026-11-30T10:00:00Z'),
        o('heartRate', 80, '2026-11-30T10:00:00Z'),
      ],
      'heartRate',
    );
    expect(s.values).toEqual([80, 90]);
    expect(s.times).toEqual([
      Date.parse('2026-11-30T10:00:00Z') / 1000,
      Date.parse('2026-11-30T10:01:00Z') / 1000,
    ]);
  });
});
