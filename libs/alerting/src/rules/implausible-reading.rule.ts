import { PARAMETER_DEFINITIONS } from '@vigil/contracts';
import type { Finding, ReadingContext, RuleDefinition } from './rule';

/**
 * R8: a value outside physiological plausibility but physically possible (SpO2 45%, pulse 18) is stored,
 * flagged by ingest (`detail.implausible`) and raises this high-priority alert: it is either a patient in
 * extremis or a faulty device, and only a person can tell. One episode per parameter; each such reading
 * is a new event. It never closes by itself.
 */
export const IMPLAUSIBLE_READING_RULE: RuleDefinition = {
  id: 'implausible-reading',
  version: 1,
  kind: 'clinical',
  title: 'Implausible reading — check patient and device',
  source: null,
  autoResolve: false,
  eachFiringIsNew: true,
};

export function evaluateImplausibleReadings(ctx: ReadingContext): Finding[] {
  return ctx.readings
    .filter((r) => r.detail?.['implausible'] === true)
    .map((r) => {
      const def = PARAMETER_DEFINITIONS[r.parameter];
      const range = def.plausible ? ` (expected ${def.plausible.min}–${def.plausible.max} ${def.unit})` : '';
      return {
        active: true as const,
        rule: IMPLAUSIBLE_READING_RULE,
        subject: r.parameter,
        severity: 'high' as const,
        reason:
          `Implausible reading — check patient and device: ${def.display} ${r.value} ${def.unit}${range} ` +
          `from ${r.deviceId ?? 'a manual entry'} at ${r.measuredAt}.`,
        band: null,
        news2Total: null,
        partial: false,
        triggeringParameters: [r.parameter],
        at: new Date(r.measuredAt),
      };
    });
}
