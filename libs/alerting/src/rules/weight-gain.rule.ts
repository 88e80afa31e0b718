import type { Finding, ReadingContext, RuleDefinition } from './rule';

/**
 * Heart failure: a gain of 2 kg or more within 3 days calls for contact with the heart-failure team
 * (European Society of Cardiology heart-failure guidance, as summarised in public clinical references;
 * /work/shared/PATHWAYS.md). Fluid retention shows on the scale days before breathlessness, and NEWS2 has
 * no notion of a trend, so this is its own rule. The plan sets the gain and the window (default 2 kg / 72 h).
 */
export const WEIGHT_GAIN_RULE: RuleDefinition = {
  id: 'weight-gain',
  version: 1,
  kind: 'clinical',
  title: 'Weight gain (heart failure)',
  source:
    'European Society of Cardiology heart-failure guidance: weight gain > 2 kg in 3 days → contact the heart-failure team',
  autoResolve: true,
};

/** A weight with its event time. */
export interface WeightPoint {
  value: number;
  measuredAt: Date;
}

/**
 * The gain of the newest weight over the lowest earlier weight within `windowHours` before it (kg), or
 * null when there is no earlier weight in the window: one weight is not a trend.
 */
export function weightGainKg(
  points: readonly WeightPoint[],
  windowHours: number,
): { gain: number; from: WeightPoint; to: WeightPoint } | null {
  if (points.length < 2) return null;
  const sorted = [...points].sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
  return gainAt(sorted, sorted[sorted.length - 1], windowHours);
}

/** The gain of `to` over the lowest weight measured within `windowHours` before it, in event time. */
function gainAt(
  points: readonly WeightPoint[],
  to: WeightPoint,
  windowHours: number,
): { gain: number; from: WeightPoint; to: WeightPoint } | null {
  const start = to.measuredAt.getTime() - windowHours * 3_600_000;
  const earlier = points.filter(
    (p) => p !== to && p.measuredAt.getTime() >= start && p.measuredAt < to.measuredAt,
  );
  if (earlier.length === 0) return null;
  const from = earlier.reduce((lo, p) => (p.value < lo.value ? p : lo));
  // Grams, then kg: 81.3 − 79.3 must be 2.0, not 1.9999999.
  return { gain: Math.round((to.value - from.value) * 1000) / 1000, from, to };
}

/**
 * Issue 13 (HZ-63), event time: the largest gain that the `arrived` weights take part in — each arrived
 * weight over the lowest within the window before it, and each later weight whose window now holds an
 * arrived one (a late, low weight completes the gain of a weight already received). A weight received late
 * (measured before weights already received) is so judged at its measurement time, never as the newest.
 */
export function weightGainsCompleted(
  points: readonly WeightPoint[],
  arrived: readonly WeightPoint[],
  windowHours: number,
): { gain: number; from: WeightPoint; to: WeightPoint } | null {
  const windowMs = windowHours * 3_600_000;
  const touched = points.filter((p) =>
    arrived.some(
      (a) =>
        a === p ||
        (a.measuredAt < p.measuredAt && a.measuredAt.getTime() >= p.measuredAt.getTime() - windowMs),
    ),
  );
  let best: { gain: number; from: WeightPoint; to: WeightPoint } | null = null;
  for (const to of touched) {
    const trend = gainAt(points, to, windowHours);
    if (trend && (best === null || trend.gain > best.gain)) best = trend;
  }
  return best;
}

/**
 * Judged when a new body weight arrives for a patient whose plan has a weight rule: active when the gain
 * reaches the rule's threshold, clear when a newer weight shows it has not (hysteresis closes the episode).
 */
export function evaluateWeightGain(ctx: ReadingContext): Finding[] {
  const rules = ctx.patient.monitoring.weightGain ?? [];
  const weights = ctx.readings.filter((r) => r.parameter === 'bodyWeight');
  if (rules.length === 0 || weights.length === 0) return [];
  const arrived: WeightPoint[] = weights.map((r) => ({ value: r.value, measuredAt: new Date(r.measuredAt) }));
  const points: WeightPoint[] = [...(ctx.patient.weightHistory ?? []), ...arrived];
  const held = ctx.state.get('bodyWeight');
  if (held && !points.some((p) => p.measuredAt.getTime() === held.measuredAt.getTime())) {
    points.push({ value: held.value, measuredAt: held.measuredAt });
  }
  const newest = points.reduce((a, p) => (p.measuredAt > a.measuredAt ? p : a));
  for (const rule of rules) {
    // In event time: a gain the arrived weights complete (a late one included), else the newest weight's.
    const completed = weightGainsCompleted(points, arrived, rule.windowHours);
    const trend =
      completed && completed.gain >= rule.gainKg ? completed : weightGainKg(points, rule.windowHours);
    if (trend && trend.gain >= rule.gainKg) {
      const minutes = Math.round((trend.to.measuredAt.getTime() - trend.from.measuredAt.getTime()) / 60_000);
      const span = minutes < 120 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
      const late = trend.to !== newest || arrived.some((a) => a.measuredAt < newest.measuredAt);
      return [
        {
          active: true,
          rule: WEIGHT_GAIN_RULE,
          subject: '',
          severity: 'medium',
          reason:
            `Weight up ${trend.gain.toFixed(1)} kg in ${span} (${trend.from.value} → ${trend.to.value} kg` +
            `${late ? `, to ${trend.to.measuredAt.toISOString()}, judged in event time: a weight arrived late` : ''}): ` +
            `this plan alerts at ${rule.gainKg} kg within ${rule.windowHours} hours — contact the heart-failure team ` +
            `(ESC heart-failure guidance).`,
          band: null,
          news2Total: null,
          partial: false,
          triggeringParameters: ['bodyWeight'],
          at: ctx.at,
        },
      ];
    }
  }
  return [{ active: false, rule: WEIGHT_GAIN_RULE, subject: '', at: ctx.at }];
}
