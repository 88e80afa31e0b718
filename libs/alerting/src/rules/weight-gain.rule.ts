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
  const to = sorted[sorted.length - 1];
  const start = to.measuredAt.getTime() - windowHours * 3_600_000;
  const earlier = sorted.filter(
    (p) => p !== to && p.measuredAt.getTime() >= start && p.measuredAt < to.measuredAt,
  );
  if (earlier.length === 0) return null;
  const from = earlier.reduce((lo, p) => (p.value < lo.value ? p : lo));
  // Grams, then kg: 81.3 − 79.3 must be 2.0, not 1.9999999.
  return { gain: Math.round((to.value - from.value) * 1000) / 1000, from, to };
}

/**
 * Judged when a new body weight arrives for a patient whose plan has a weight rule: active when the gain
 * reaches the rule's threshold, clear when a newer weight shows it has not (hysteresis closes the episode).
 */
export function evaluateWeightGain(ctx: ReadingContext): Finding[] {
  const rules = ctx.patient.monitoring.weightGain ?? [];
  const weights = ctx.readings.filter((r) => r.parameter === 'bodyWeight');
  if (rules.length === 0 || weights.length === 0) return [];
  const points: WeightPoint[] = [
    ...(ctx.patient.weightHistory ?? []),
    ...weights.map((r) => ({ value: r.value, measuredAt: new Date(r.measuredAt) })),
  ];
  const held = ctx.state.get('bodyWeight');
  if (held && !points.some((p) => p.measuredAt.getTime() === held.measuredAt.getTime())) {
    points.push({ value: held.value, measuredAt: held.measuredAt });
  }
  for (const rule of rules) {
    const trend = weightGainKg(points, rule.windowHours);
    if (trend && trend.gain >= rule.gainKg) {
      const minutes = Math.round((trend.to.measuredAt.getTime() - trend.from.measuredAt.getTime()) / 60_000);
      const span = minutes < 120 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
      return [
        {
          active: true,
          rule: WEIGHT_GAIN_RULE,
          subject: '',
          severity: 'medium',
          reason:
            `Weight up ${trend.gain.toFixed(1)} kg in ${span} (${trend.from.value} → ${trend.to.value} kg): ` +
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
