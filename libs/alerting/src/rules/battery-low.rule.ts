import type { Finding, RuleDefinition } from './rule';

/**
 * Battery low: a technical alert below `lowPercent`; clear only at or above `okPercent`, so a battery
 * hovering at the cut-off does not flap.
 */
export const BATTERY_LOW_RULE: RuleDefinition = {
  id: 'battery-low',
  version: 1,
  kind: 'technical',
  title: 'Device battery low',
  source: null,
  autoResolve: true,
};

export function evaluateBatteryLow(
  deviceId: string,
  battery: number | null,
  at: Date,
  thresholds: { lowPercent: number; okPercent: number },
): Finding | null {
  if (battery === null) return null;
  if (battery >= thresholds.okPercent)
    return { active: false, rule: BATTERY_LOW_RULE, subject: deviceId, at };
  if (battery > thresholds.lowPercent) return null;
  return {
    active: true,
    rule: BATTERY_LOW_RULE,
    subject: deviceId,
    severity: 'technical',
    reason: `Device ${deviceId} battery at ${battery}% (alert at ${thresholds.lowPercent}% or below): charge or replace it.`,
    band: null,
    news2Total: null,
    partial: false,
    triggeringParameters: [],
    at,
  };
}
