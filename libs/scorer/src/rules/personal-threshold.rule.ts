import { PARAMETER_DEFINITIONS, type Parameter } from '@vigil/contracts';
import type { Finding, ReadingContext, RuleDefinition } from './rule';

/**
 * Personalised thresholds a clinician set for this patient (`patients.thresholds`), e.g. SpO2 below 88
 * for a COPD patient on scale 2. One episode per (patient, parameter). Each new reading is judged on its
 * own, in event-time order, so a brief excursion inside a batch is never skipped.
 */
export const PERSONAL_THRESHOLD_RULE: RuleDefinition = {
  id: 'personal-threshold',
  version: 1,
  kind: 'clinical',
  title: 'Personalised threshold crossed',
  source: null,
  autoResolve: true,
};

export function evaluatePersonalThresholds(ctx: ReadingContext): Finding[] {
  const findings: Finding[] = [];
  for (const t of ctx.patient.thresholds) {
    for (const r of ctx.readings) {
      if (r.parameter !== t.parameter) continue;
      const below = typeof t.below === 'number' && r.value < t.below;
      const above = typeof t.above === 'number' && r.value > t.above;
      if (!below && !above) {
        findings.push({ active: false, rule: PERSONAL_THRESHOLD_RULE, subject: t.parameter, at: ctx.at });
        continue;
      }
      const def = PARAMETER_DEFINITIONS[r.parameter];
      const limit = below ? `below ${t.below}` : `above ${t.above}`;
      findings.push({
        active: true,
        rule: PERSONAL_THRESHOLD_RULE,
        subject: t.parameter,
        severity: 'medium',
        reason:
          `${def.display} ${r.value} ${def.unit} is ${limit} ${def.unit}, this patient's personalised ` +
          `threshold (set by ${t.setBy}${t.note ? `: ${t.note}` : ''}).`,
        band: null,
        news2Total: null,
        partial: false,
        triggeringParameters: [r.parameter as Parameter],
        at: ctx.at,
      });
    }
  }
  return findings;
}
