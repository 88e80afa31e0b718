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

/** The x range to draw (unix seconds): the readings' span, and at least an hour around them. */
export function timeWindow(times: readonly number[]): [number, number] {
  if (times.length === 0) return [0, 1];
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const pad = Math.max(0, 3600 - (last - first)) / 2;
  return [first - pad, last + pad];
}

/** uPlot's axis date templates are US style (12-hour, month first); the chart reads like a UK one. */
export function ukTimeTemplate(template: string): string {
  return template
    .replaceAll('{h}:{mm}{aa}', '{HH}:{mm}')
    .replaceAll('{h}{aa}', '{HH}:00')
    .replaceAll('{M}/{D}', '{D}/{M}');
}
