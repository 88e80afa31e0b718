import type { ObservationView } from '@vigil/contracts';

export const TREND_PARAMETERS = [
  'respiratoryRate',
  'spo2',
  'heartRate',
  'systolicBp',
  'temperature',
] as const;
export type TrendParameter = (typeof TREND_PARAMETERS)[number];

export interface TrendSeries {
  /** Unix seconds, ascending (uPlot's x axis). */
  times: number[];
  values: number[];
  points: ObservationView[];
}

/** One parameter's readings in time order, as uPlot wants them. */
export function trendSeries(observations: readonly ObservationView[], parameter: string): TrendSeries {
  const points = observations
    .filter((o) => o.parameter === parameter)
    .sort((a, b) => Date.parse(a.measuredAt) - Date.parse(b.measuredAt));
  return {
    times: points.map((p) => Date.parse(p.measuredAt) / 1000),
    values: points.map((p) => p.value),
    points,
  };
}
