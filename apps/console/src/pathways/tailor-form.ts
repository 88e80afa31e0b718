import type { Parameter, PlanView, TailorPlanRequest } from '@vigil/contracts';
import { SAFE_THRESHOLD_BOUNDS, TIER_LABELS } from '@vigil/pathways';
import type { FieldError } from '../common/ErrorSummary';
import { parameterLabel } from '../common/format';

/** The tailoring form's values, as typed (strings), keyed by control id. */
export type TailorValues = Record<string, string>;

export const REASON_ID = 'tailor-reason';
export const everyId = (parameter: string) => `tailor-every-${parameter}`;
export const graceId = (parameter: string) => `tailor-grace-${parameter}`;
export const thresholdId = (parameter: string, direction: 'below' | 'above') =>
  `tailor-${direction}-${parameter}`;
export const tierId = (tier: string) => `tailor-tier-${tier}`;

/** The personal thresholds a plan's parameters may take, with their safe range for the hint (HZ-62). */
export function thresholdControls(
  plan: Pick<PlanView, 'schedules'>,
): { parameter: Parameter; direction: 'below' | 'above'; min: number; max: number; unit: string }[] {
  return plan.schedules.flatMap((s) => {
    const bounds = SAFE_THRESHOLD_BOUNDS[s.parameter as Parameter];
    if (!bounds) return [];
    return (['below', 'above'] as const).flatMap((direction) => {
      const range = bounds[direction];
      return range ? [{ parameter: s.parameter as Parameter, direction, ...range, unit: bounds.unit }] : [];
    });
  });
}

/** The form as the plan stands: every value filled in, thresholds left empty where there is none. */
export function initialTailorValues(plan: PlanView): TailorValues {
  const values: TailorValues = { [REASON_ID]: '' };
  for (const s of plan.schedules) {
    values[everyId(s.parameter)] = String(s.everyMinutes);
    values[graceId(s.parameter)] = String(s.graceMinutes);
  }
  for (const c of thresholdControls(plan)) {
    const value = plan.thresholds.find((t) => t.parameter === c.parameter)?.[c.direction];
    values[thresholdId(c.parameter, c.direction)] = value === undefined ? '' : String(value);
  }
  for (const t of plan.escalation) values[tierId(t.tier)] = String(t.responseMinutes);
  return values;
}

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The PUT /api/patients/{id}/plan body from the form, or what is missing or not a number (the form's own
 * checks: whole minutes, numbers, a reason). Whether the values are safe — intervals, grace within the
 * interval, thresholds within their bounds, tiers in order — the server decides and names the field.
 */
export function buildTailorRequest(
  plan: PlanView,
  values: TailorValues,
): { body: TailorPlanRequest | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const whole = (id: string, what: string): number => {
    const v = (values[id] ?? '').trim();
    if (!WHOLE.test(v)) errors.push({ href: id, message: `Enter ${what} in whole minutes` });
    return Number(v);
  };
  const schedules = plan.schedules.map((s) => ({
    parameter: s.parameter as Parameter,
    everyMinutes: whole(everyId(s.parameter), `how often to take ${parameterLabel(s.parameter)}`),
    graceMinutes: whole(graceId(s.parameter), `the grace for ${parameterLabel(s.parameter)}`),
    source: s.source,
  }));
  const byParameter = new Map<Parameter, { below?: number; above?: number }>();
  for (const c of thresholdControls(plan)) {
    const id = thresholdId(c.parameter, c.direction);
    const v = (values[id] ?? '').trim();
    if (v === '') continue;
    if (!DECIMAL.test(v)) {
      errors.push({
        href: id,
        message: `Enter the ${parameterLabel(c.parameter)} "${c.direction}" threshold as a number, or leave it empty`,
      });
      continue;
    }
    byParameter.set(c.parameter, { ...byParameter.get(c.parameter), [c.direction]: Number(v) });
  }
  const thresholds = [...byParameter].map(([parameter, limits]) => ({
    parameter,
    ...limits,
    note: plan.thresholds.find((t) => t.parameter === parameter)?.note ?? 'Tailored by a clinician',
  }));
  const escalation = plan.escalation.map((t) => ({
    tier: t.tier,
    responseMinutes: whole(tierId(t.tier), `the response time of ${TIER_LABELS[t.tier]}`),
  }));
  const reason = (values[REASON_ID] ?? '').trim();
  if (!reason) errors.push({ href: REASON_ID, message: 'Enter why the plan is tailored for this patient' });
  if (errors.length > 0) return { body: null, errors };
  return { body: { reason, schedules, thresholds, escalation }, errors };
}

/**
 * The control a server error belongs to: the api names fields by their path in the request body
 * (`schedules.2.everyMinutes`, `thresholds.0.below`, `escalation.1.responseMinutes`, `reason`).
 */
export function fieldIdForPath(path: string, body: TailorPlanRequest): string {
  const [part, index, field] = path.split('.');
  const i = Number(index);
  if (part === 'reason') return REASON_ID;
  if (part === 'schedules') {
    const p = body.schedules?.[i]?.parameter;
    if (p) return field === 'graceMinutes' ? graceId(p) : everyId(p);
  }
  if (part === 'thresholds') {
    const t = body.thresholds?.[i];
    if (t) {
      const direction = field === 'above' || (field !== 'below' && t.below === undefined) ? 'above' : 'below';
      return thresholdId(t.parameter, direction);
    }
  }
  if (part === 'escalation') {
    const t = body.escalation?.[i];
    if (t) return tierId(t.tier);
  }
  return '';
}
