import { PARAMETER_DEFINITIONS, type Parameter } from '@vigil/contracts';

/** Where a personal threshold may lie, per direction (inclusive). */
export interface ThresholdBounds {
  below?: { min: number; max: number };
  above?: { min: number; max: number };
  unit: string;
  /** Where a bound departs from the general rule, why. */
  note?: string;
}

export const SAFE_THRESHOLD_SOURCE =
  'RCP NEWS2 2017, chart 1: between the limit that scores 3 (a red score) and the edge of the range that scores 0';

/**
 * Safe bounds of a personal threshold (issue 13; HZ-62). A personal threshold alerts on top of NEWS2 — it never
 * replaces it — so its use is to alert earlier than NEWS2 would for this patient. It must therefore lie between
 * the value NEWS2 already scores 3 for (a red score, which alerts anyway: a threshold beyond it adds nothing and
 * reads as if the patient were watched more closely than they are) and the edge of the range NEWS2 scores 0
 * (a threshold inside the normal range alerts on a well patient, for ever). SpO2's lower bound is scale 2's
 * red-score limit (83 %), so a COPD patient's target of 88–92 % can be set. Parameters NEWS2 does not score
 * (body weight: use the weight-gain rule) take no personal threshold. Every bound is for clinical review.
 */
export const SAFE_THRESHOLD_BOUNDS: Readonly<Partial<Record<Parameter, ThresholdBounds>>> = {
  respiratoryRate: { below: { min: 8, max: 12 }, above: { min: 20, max: 25 }, unit: '/min' },
  spo2: {
    below: { min: 83, max: 96 },
    unit: '%',
    note: "down to scale 2's red-score limit, so a COPD target of 88–92 % can be set",
  },
  systolicBp: {
    below: { min: 90, max: 111 },
    above: { min: 140, max: 220 },
    unit: 'mmHg',
    note: 'NEWS2 scores high systolic pressure only from 220; a personal hypertension alert (e.g. SMI, above 180) may start at 140 (NICE NG136: stage 1 hypertension)',
  },
  heartRate: { below: { min: 40, max: 51 }, above: { min: 90, max: 131 }, unit: '/min' },
  temperature: {
    below: { min: 35, max: 36.1 },
    above: { min: 38, max: 39.1 },
    unit: '°C',
    note: 'NEWS2 scores a high temperature at most 2 (from 39.1)',
  },
};

/**
 * Why a personal threshold is outside its safe bounds, in words, or null when it is within them.
 */
export function thresholdBoundsProblem(
  parameter: Parameter,
  direction: 'below' | 'above',
  value: number,
): string | null {
  const bounds = SAFE_THRESHOLD_BOUNDS[parameter];
  const name = PARAMETER_DEFINITIONS[parameter]?.display ?? parameter;
  if (!bounds) {
    return `${name} takes no personal threshold (NEWS2 does not score it${
      parameter === 'bodyWeight' ? ': use the weight-gain rule' : ''
    })`;
  }
  const range = bounds[direction];
  if (!range) return `${name} takes no "alert ${direction}" threshold`;
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    return (
      `${name}: an alert ${direction} must be set at ${range.min}–${range.max} ${bounds.unit} ` +
      `(between NEWS2's red-score limit and its normal range); ${value} is outside`
    );
  }
  return null;
}
