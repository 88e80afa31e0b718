import { clinicalResponse } from '@vigil/clinical';
import {
  type AlertReason,
  type AlertSeverity,
  PARAMETER_DEFINITIONS,
  type Parameter,
  severityRank,
} from '@vigil/contracts';
import { NEWS2_PARAMETERS } from '../clinical-state';
import { isFresh } from '../policy';
import { REPORTED_SYMPTOM_PARAMETERS, reportedSymptomComponents } from './reported-symptom';
import {
  type Finding,
  NEWS2_PARAMETER,
  oxygenNote,
  partialNote,
  RCP_NEWS2_2017,
  type ReadingContext,
  type RuleDefinition,
} from './rule';

/**
 * One clinical alert per patient: a patient's deterioration is one problem, whichever rules see it. The
 * NEWS2 band, the red score, the personal thresholds and reported symptoms (issue 14) are its reasons; its severity is the highest of
 * them, so the triage queue shows one row for one patient, not two.
 */
export const DETERIORATION_RULE: RuleDefinition = {
  id: 'deterioration',
  version: 1,
  kind: 'clinical',
  title: 'Clinical deterioration (NEWS2, red score, personal thresholds)',
  source: RCP_NEWS2_2017,
  autoResolve: true,
};

/** The reasons that make up the clinical alert, each with its own version. */
export const NEWS2_BAND_REASON = { id: 'news2-band', version: 2 } as const;
export const NEWS2_RED_SCORE_REASON = { id: 'news2-red-score', version: 2 } as const;
export const PERSONAL_THRESHOLD_REASON = { id: 'personal-threshold', version: 2 } as const;

/** RCP NEWS2 2017, chart 2: 5–6 needs an urgent response, 7 or more an emergency response. */
export const NEWS2_BAND_THRESHOLD = 5;

/** One reason's verdict: it fires, it is known clear, or it cannot be told (partial or no data). */
export type Component =
  { status: 'active'; reason: AlertReason } | { status: 'clear' } | { status: 'unknown' };

const ACTIVE = (reason: AlertReason): Component => ({ status: 'active', reason });
const CLEAR: Component = { status: 'clear' };
const UNKNOWN: Component = { status: 'unknown' };

/**
 * NEWS2 band (RCP NEWS2 2017, chart 2). A partial score at or above 5 fires (a lower bound of 5 is at
 * least 5); a partial score below 5 is not clear, because the missing parameters could carry it over.
 */
export function news2BandComponent(ctx: ReadingContext): Component {
  const score = ctx.score;
  if (!score) return UNKNOWN;
  const r = score.result;
  if (r.total >= NEWS2_BAND_THRESHOLD) {
    const response = clinicalResponse(r);
    const severity: AlertSeverity = r.band === 'high' ? 'high' : 'medium';
    return ACTIVE({
      ruleId: NEWS2_BAND_REASON.id,
      ruleVersion: NEWS2_BAND_REASON.version,
      severity,
      text:
        `NEWS2 ${r.partial ? 'at least ' : ''}${r.total} (${r.band} band): ${response.responseLevel} response, ` +
        `${response.minimumObservationFrequency} observations (RCP NEWS2 2017).${partialNote(r)}${oxygenNote(score)}`,
      triggeringParameters: [],
    });
  }
  return r.partial ? UNKNOWN : CLEAR;
}

/**
 * Red score (RCP NEWS2 2017, chart 2): a single parameter scoring 3 needs an urgent ward-based response
 * whatever the total. Air or oxygen scores at most 2, so never makes a red score.
 */
export function news2RedScoreComponent(ctx: ReadingContext): Component {
  const score = ctx.score;
  if (!score) return UNKNOWN;
  const r = score.result;
  if (r.redScore) {
    const red = (Object.keys(r.perParameter) as (keyof typeof r.perParameter)[])
      .filter((k) => r.perParameter[k] === 3)
      .map((k) => NEWS2_PARAMETER[k]);
    const severity: AlertSeverity =
      r.band === 'high' ? 'high' : r.band === 'medium' ? 'medium' : 'low-medium';
    return ACTIVE({
      ruleId: NEWS2_RED_SCORE_REASON.id,
      ruleVersion: NEWS2_RED_SCORE_REASON.version,
      severity,
      text:
        `Red score: ${red.map((p) => PARAMETER_DEFINITIONS[p].display).join(', ')} scoring 3 ` +
        `(NEWS2 ${r.partial ? 'at least ' : ''}${r.total}): urgent ward-based response at least (RCP NEWS2 2017).`,
      triggeringParameters: red,
    });
  }
  return r.partial ? UNKNOWN : CLEAR;
}

/**
 * Personalised thresholds a clinician set (e.g. SpO2 below 88 for a COPD patient), judged on the
 * patient's current value of each parameter. A parameter with no current value neither fires nor holds
 * the alert open.
 */
export function personalThresholdComponents(ctx: ReadingContext): Component[] {
  return ctx.patient.thresholds.map((t) => {
    const held = ctx.state.get(t.parameter as Parameter);
    if (!held || !isFresh(held.measuredAt, ctx.at, ctx.freshnessMinutes)) return CLEAR;
    const below = typeof t.below === 'number' && held.value < t.below;
    const above = typeof t.above === 'number' && held.value > t.above;
    if (!below && !above) return CLEAR;
    const def = PARAMETER_DEFINITIONS[held.parameter];
    const limit = below ? `below ${t.below}` : `above ${t.above}`;
    return ACTIVE({
      ruleId: PERSONAL_THRESHOLD_REASON.id,
      ruleVersion: PERSONAL_THRESHOLD_REASON.version,
      severity: 'medium',
      text:
        `${def.display} ${held.value} ${def.unit} is ${limit} ${def.unit}, this patient's personalised ` +
        `threshold (set by ${t.setByName ?? 'a clinician'}${t.note ? `: ${t.note}` : ''}).`,
      triggeringParameters: [held.parameter],
    });
  });
}

/**
 * Whether new readings can change the clinical alert: a NEWS2 parameter, one with a personal threshold, or
 * a reported symptom.
 */
export function touchesDeterioration(ctx: ReadingContext): boolean {
  const watched = new Set<string>([
    ...ctx.patient.thresholds.map((t) => t.parameter),
    ...REPORTED_SYMPTOM_PARAMETERS,
  ]);
  return ctx.readings.some((r) => NEWS2_PARAMETERS.has(r.parameter) || watched.has(r.parameter));
}

/** The patient's one clinical alert: active with every reason that fires, clear when all are clear. */
export function evaluateDeterioration(ctx: ReadingContext): Finding[] {
  if (!touchesDeterioration(ctx)) return [];
  const components = [
    news2BandComponent(ctx),
    news2RedScoreComponent(ctx),
    ...personalThresholdComponents(ctx),
    ...reportedSymptomComponents(ctx),
  ];
  const reasons = components
    .flatMap((c) => (c.status === 'active' ? [c.reason] : []))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const r = ctx.score?.result ?? null;
  if (reasons.length > 0) {
    const triggering = [...new Set(reasons.flatMap((x) => x.triggeringParameters))];
    return [
      {
        active: true,
        rule: DETERIORATION_RULE,
        subject: '',
        severity: reasons[0].severity,
        reason: reasons.map((x) => x.text).join(' '),
        reasons,
        band: r?.band ?? null,
        news2Total: r?.total ?? null,
        partial: r?.partial ?? false,
        triggeringParameters: triggering,
        at: ctx.at,
      },
    ];
  }
  if (components.every((c) => c.status === 'clear')) {
    return [{ active: false, rule: DETERIORATION_RULE, subject: '', at: ctx.at }];
  }
  return [];
}
