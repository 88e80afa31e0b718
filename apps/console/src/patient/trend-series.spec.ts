import type { ObservationView } from '@vigil/contracts';
import { timeWindow, trendSeries, ukTimeTemplate } from './trend-series';

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

describe('timeWindow', () => {
  it('shows at least an hour, centred on a lone reading', () => {
    expect(timeWindow([10_000])).toEqual([8_200, 11_800]);
  });

  it('uses the readings span when it is longer than an hour', () => {
    expect(timeWindow([0, 5_000, 7_200])).toEqual([0, 7_200]);
  });
});

describe('ukTimeTemplate', () => {
  it('turns uPlot US templates into 24-hour, day-first ones', () => {
    expect(ukTimeTemplate('{h}:{mm}{aa}')).toBe('{HH}:{mm}');
    expect(ukTimeTemplate('{h}{aa}')).toBe('{HH}:00');
    expect(ukTimeTemplate('\n{M}/{D}/{YY}')).toBe('\n{D}/{M}/{YY}');
  });
});
