import { PARAMETER_DEFINITIONS, PARAMETERS, type Parameter } from '@vigil/contracts';
import { type TierTarget, validateLadder } from './escalation';
import { thresholdBoundsProblem } from './threshold-bounds';
import {
  type DischargeCriteria,
  type ParameterSchedule,
  type PathwayId,
  type PathwayTemplate,
  type TemplateThreshold,
  type Tightening,
  type WeightGainRule,
} from './templates';

/** A patient's monitoring plan: a template applied at admission, then tailored (every change audited). */
export interface MonitoringPlan {
  templateId: PathwayId;
  templateVersion: number;
  title: string;
  spo2Scale: 1 | 2;
  schedules: ParameterSchedule[];
  thresholds: TemplateThreshold[];
  trendRules: WeightGainRule[];
  tightening: Tightening | null;
  escalation: TierTarget[];
  firstContact: string;
  discharge: DischargeCriteria;
}

/** The parts of a plan a clinician may tailor; anything left out stays as it is. */
export interface PlanTailoring {
  schedules?: ParameterSchedule[];
  thresholds?: TemplateThreshold[];
  trendRules?: WeightGainRule[];
  tightening?: Tightening | null;
  escalation?: TierTarget[];
  dischargeHours?: number;
}

/** One audited change of a plan: who, when, why, and each field before and after. */
export interface PlanChange {
  action: 'applied' | 'tailored';
  by: string;
  /** ISO instant. */
  at: string;
  reason: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export class PlanError extends Error {
  /**
   * @param field the offending field as a dotted path in the plan's (and the tailoring request's) terms, e.g.
   *   `thresholds.0.below`, `schedules.2.everyMinutes`, so a form can put the message beside its control.
   */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The plan a template gives at admission (a copy: later template versions never change it silently). */
export function applyTemplate(template: PathwayTemplate): MonitoringPlan {
  return clone({
    templateId: template.id,
    templateVersion: template.version,
    title: template.title,
    spo2Scale: template.spo2Scale,
    schedules: template.schedules,
    thresholds: template.thresholds,
    trendRules: template.trendRules,
    tightening: template.tightening,
    escalation: template.escalation,
    firstContact: template.firstContact,
    discharge: template.discharge,
  });
}

/** Throws a `PlanError` naming the first thing wrong with a plan. */
export function validatePlan(plan: MonitoringPlan): void {
  const seen = new Set<string>();
  plan.schedules.forEach((s, i) => {
    if (!(PARAMETERS as readonly string[]).includes(s.parameter)) {
      throw new PlanError(
        `unknown parameter "${String(s.parameter)}" in the schedule`,
        `schedules.${i}.parameter`,
      );
    }
    if (seen.has(s.parameter))
      throw new PlanError(`${s.parameter} is scheduled twice`, `schedules.${i}.parameter`);
    seen.add(s.parameter);
    if (!Number.isInteger(s.everyMinutes) || s.everyMinutes < 15 || s.everyMinutes > 14 * 24 * 60) {
      throw new PlanError(
        `${s.parameter}: a schedule is every 15 minutes to 14 days (whole minutes)`,
        `schedules.${i}.everyMinutes`,
      );
    }
    if (!Number.isInteger(s.graceMinutes) || s.graceMinutes < 0 || s.graceMinutes > s.everyMinutes) {
      throw new PlanError(
        `${s.parameter}: grace must be 0 to the schedule's interval (whole minutes)`,
        `schedules.${i}.graceMinutes`,
      );
    }
  });
  const thresholded = new Set<string>();
  plan.thresholds.forEach((t, i) => {
    if (t.below === undefined && t.above === undefined) {
      throw new PlanError(`threshold on ${t.parameter} needs below or above`, `thresholds.${i}.below`);
    }
    if (thresholded.has(t.parameter)) {
      throw new PlanError(
        `${t.parameter} has two thresholds: give one with below and/or above`,
        `thresholds.${i}.parameter`,
      );
    }
    thresholded.add(t.parameter);
    const range = PARAMETER_DEFINITIONS[t.parameter]?.plausible;
    for (const direction of ['below', 'above'] as const) {
      const v = t[direction];
      if (v === undefined) continue;
      if (!Number.isFinite(v) || (range && (v < range.min || v > range.max))) {
        throw new PlanError(
          `threshold on ${t.parameter} must be a number within its plausible range`,
          `thresholds.${i}.${direction}`,
        );
      }
      // HZ-62: within safe bounds (between NEWS2's red-score limit and its normal range).
      const problem = thresholdBoundsProblem(t.parameter, direction, v);
      if (problem) throw new PlanError(problem, `thresholds.${i}.${direction}`);
    }
    if (t.below !== undefined && t.above !== undefined && t.below >= t.above) {
      throw new PlanError(
        `threshold on ${t.parameter}: "below" must be less than "above"`,
        `thresholds.${i}.above`,
      );
    }
  });
  for (const r of plan.trendRules) {
    if (!(r.gainKg > 0 && r.gainKg <= 20) || !(r.windowHours >= 24 && r.windowHours <= 14 * 24)) {
      throw new PlanError(
        'a weight-gain rule needs a gain of 0–20 kg over 24 hours to 14 days',
        'weightGain',
      );
    }
  }
  if (plan.tightening && (plan.tightening.everyMinutes < 15 || plan.tightening.everyMinutes > 60)) {
    // RCP NEWS2 2017: NEWS2 ≥ 5 needs observations at least hourly, so tightening may never be slower.
    throw new PlanError('tightening must be to at least hourly (RCP NEWS2: 15–60 minutes)', 'tightening');
  }
  validateLadder(plan.escalation);
}

/**
 * A tailored plan and the audit entry of the change. A reason is required; a change that changes
 * nothing is refused (so the audit never fills with empty rows).
 */
export function tailorPlan(
  plan: MonitoringPlan,
  tailoring: PlanTailoring,
  by: string,
  at: Date,
  reason: string,
): { plan: MonitoringPlan; change: PlanChange } {
  if (!reason.trim()) throw new PlanError('tailoring a plan needs a reason');
  const next: MonitoringPlan = clone(plan);
  if (tailoring.schedules) next.schedules = clone(tailoring.schedules);
  if (tailoring.thresholds) next.thresholds = clone(tailoring.thresholds);
  if (tailoring.trendRules) next.trendRules = clone(tailoring.trendRules);
  if (tailoring.tightening !== undefined) next.tightening = clone(tailoring.tightening);
  if (tailoring.escalation) next.escalation = clone(tailoring.escalation);
  if (tailoring.dischargeHours !== undefined) {
    next.discharge = { ...next.discharge, hoursWithoutMediumNews2: tailoring.dischargeHours };
  }
  validatePlan(next);
  const changes: PlanChange['changes'] = {};
  for (const key of Object.keys(next) as (keyof MonitoringPlan)[]) {
    if (JSON.stringify(plan[key]) !== JSON.stringify(next[key])) {
      changes[key] = { from: plan[key], to: next[key] };
    }
  }
  if (Object.keys(changes).length === 0) throw new PlanError('the tailoring changes nothing in the plan');
  return { plan: next, change: { action: 'tailored', by, at: at.toISOString(), reason, changes } };
}

/**
 * What alerting reads from a patient's `monitoring` (libs/alerting `MonitoringSchedule`): the plan's
 * per-parameter schedules, tightening, trend rules and ladder, plus the legacy one-interval fields
 * (the shortest interval) so anything that reads only those still sees a schedule.
 */
export function monitoringOf(plan: MonitoringPlan, freshnessMinutes?: number): PlanMonitoring {
  const shortest = plan.schedules.reduce<ParameterSchedule | null>(
    (a, s) => (a === null || s.everyMinutes < a.everyMinutes ? s : a),
    null,
  );
  return {
    requiredParameters: plan.schedules.map((s) => s.parameter),
    ...(shortest ? { intervalMinutes: shortest.everyMinutes, graceMinutes: shortest.graceMinutes } : {}),
    ...(freshnessMinutes ? { freshnessMinutes } : {}),
    parameterSchedules: plan.schedules.map((s) => ({
      parameter: s.parameter,
      everyMinutes: s.everyMinutes,
      graceMinutes: s.graceMinutes,
    })),
    tightening: plan.tightening
      ? {
          news2AtLeast: plan.tightening.news2AtLeast,
          onRedScore: plan.tightening.onRedScore,
          everyMinutes: plan.tightening.everyMinutes,
        }
      : null,
    weightGain: plan.trendRules.map((r) => ({ gainKg: r.gainKg, windowHours: r.windowHours })),
    escalation: plan.escalation.map((t) => ({ ...t })),
  };
}

/** The `monitoring` JSON a plan projects (structurally alerting's `MonitoringSchedule`). */
export interface PlanMonitoring {
  requiredParameters: Parameter[];
  intervalMinutes?: number;
  graceMinutes?: number;
  freshnessMinutes?: number;
  parameterSchedules: { parameter: Parameter; everyMinutes: number; graceMinutes: number }[];
  tightening: { news2AtLeast: number; onRedScore: boolean; everyMinutes: number } | null;
  weightGain: { gainKg: number; windowHours: number }[];
  escalation: TierTarget[];
}
