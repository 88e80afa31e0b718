import {
  type AlertSeverity,
  type BreathlessnessCode,
  type ChestPainCode,
  type Parameter,
} from '@vigil/contracts';
import { isFresh } from '../policy';
import type { Component } from './deterioration.rule';
import type { ReadingContext } from './rule';

/**
 * Issue 14: what a patient or carer reports (breathlessness, chest pain) is a reason of the patient's one
 * clinical alert, beside the NEWS2 band, the red score and personal thresholds. NEWS2 has no parameter for
 * either, and supports rather than replaces clinical judgement (RCP NEWS2 2017): a worrying symptom must reach
 * a clinician whatever the score. The ward's alert never says less than the advice the person was shown on
 * the patient page (libs/questionnaires): "call 999" there is `high` here (an emergency response; the CCC at
 * once, or the plan's top tier with the clinician told), "phone the ward" is `medium` (urgent review).
 *
 * Sources:
 * - Chest pain now → `high`. NICE CG95 (Recent-onset chest pain of suspected cardiac origin, 2010, updated
 *   2016), 1.2.1: refer people to hospital as an emergency if an acute coronary syndrome is suspected and they
 *   currently have chest pain. NHS website, "Shortness of breath": a chest that feels tight or heavy → 999.
 * - Breathless at rest or unable to finish a sentence → `high`. NHS website, "Shortness of breath": severe
 *   difficulty breathing, not able to get words out → call 999 or go to A&E.
 * - More out of breath than usual → `medium`. NHS website, "Shortness of breath": more short of breath than
 *   usual → get urgent advice; for a virtual-ward patient that is the ward's clinician (PATHWAYS.md: ARI and
 *   heart failure list breathlessness reported by the patient or carer).
 *
 * A report counts for the patient's freshness window (R7), like a reading: an old "chest pain" neither fires
 * nor holds the alert open once it is stale, and a newer "no chest pain" clears this reason (the alert itself
 * then closes only by hysteresis, or by a person once someone owns it).
 */
export const REPORTED_SYMPTOM_REASON = { id: 'reported-symptom', version: 1 } as const;

export const REPORTED_SYMPTOM_SOURCE =
  'NICE CG95 1.2.1 (current chest pain → emergency referral); NHS website "Shortness of breath" (not able to ' +
  'get words out → 999; more short of breath than usual → urgent advice); RCP NEWS2 2017 (clinical judgement)';

export const REPORTED_SYMPTOM_PARAMETERS = [
  'breathlessness',
  'chestPain',
] as const satisfies readonly Parameter[];
type SymptomParameter = (typeof REPORTED_SYMPTOM_PARAMETERS)[number];

/** The reported symptoms that alert, and how urgently, by code. Codes not listed (usual, absent) are clear. */
export const REPORTED_SYMPTOM_SEVERITY: {
  readonly breathlessness: Readonly<Partial<Record<BreathlessnessCode, AlertSeverity>>>;
  readonly chestPain: Readonly<Partial<Record<ChestPainCode, AlertSeverity>>>;
} = {
  breathlessness: { 'at-rest': 'high', 'worse-than-usual': 'medium' },
  chestPain: { present: 'high' },
};

function severityOf(parameter: SymptomParameter, code: string | null): AlertSeverity | undefined {
  const table: Readonly<Record<string, AlertSeverity | undefined>> = REPORTED_SYMPTOM_SEVERITY[parameter];
  return code === null ? undefined : table[code];
}

/** The reason's words, with who reported it where the report is in this batch (`reported by a carer`). */
const TEXT: Readonly<Record<string, (reported: string) => string>> = {
  'chestPain:present': (reported) =>
    `Chest pain or tightness now, ${reported}: emergency assessment (NICE CG95: current chest pain of ` +
    'suspected cardiac origin is referred as an emergency); the person was told to call 999.',
  'breathlessness:at-rest': (reported) =>
    `Breathless at rest or unable to finish a sentence, ${reported}: emergency assessment (NHS: not able ` +
    'to get words out → 999); the person was told to call 999.',
  'breathlessness:worse-than-usual': (reported) =>
    `More out of breath than usual, ${reported}: urgent review by a clinician (NHS: more short of breath ` +
    'than usual → urgent advice); the person was told to phone the ward.',
};

const REPORTED_BY: Readonly<Record<string, string>> = {
  'patient-reported': 'reported by the patient',
  'carer-reported': 'reported by a carer',
  'nurse-reported-by-phone': 'reported by phone to a nurse',
};

/** One component per reported symptom: active when the current report is worrying, else clear. */
export function reportedSymptomComponents(ctx: ReadingContext): Component[] {
  return REPORTED_SYMPTOM_PARAMETERS.map((parameter): Component => {
    const held = ctx.state.get(parameter);
    if (!held || !isFresh(held.measuredAt, ctx.at, ctx.freshnessMinutes)) return { status: 'clear' };
    const code = held.valueCode;
    const severity = severityOf(parameter, code);
    if (!severity) return { status: 'clear' };
    const reading = ctx.readings.find((r) => r.id === held.observationId);
    const reported = (reading && REPORTED_BY[reading.source]) ?? 'reported';
    return {
      status: 'active',
      reason: {
        ruleId: REPORTED_SYMPTOM_REASON.id,
        ruleVersion: REPORTED_SYMPTOM_REASON.version,
        severity,
        text: TEXT[`${parameter}:${code ?? ''}`](reported),
        triggeringParameters: [parameter],
      },
    };
  });
}
