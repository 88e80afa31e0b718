import type { Finding, ReadingContext, RuleDefinition } from './rule';

/**
 * A fall: alert at once, highest priority (SPEC §4). Never closes by itself: a person must resolve it.
 * Every fall is a new event (R2): a fall while the fall alert is acknowledged, escalated or snoozed
 * reopens it as unacknowledged and restarts its escalation.
 */
export const FALL_RULE: RuleDefinition = {
  id: 'fall',
  version: 2,
  kind: 'clinical',
  title: 'Fall detected',
  source: null,
  autoResolve: false,
  eachFiringIsNew: true,
};

export function evaluateFall(ctx: ReadingContext): Finding[] {
  return ctx.readings
    .filter((r) => r.parameter === 'fall' && r.value > 0)
    .map((r) => {
      const location = typeof r.detail?.['location'] === 'string' ? ` in the ${r.detail['location']}` : '';
      const confidence =
        typeof r.detail?.['confidence'] === 'number' ? ` (confidence ${r.detail['confidence']})` : '';
      return {
        active: true as const,
        rule: FALL_RULE,
        subject: '',
        severity: 'critical' as const,
        reason: `Fall detected at ${r.measuredAt}${location}${confidence} by ${r.deviceId ?? 'a manual entry'}.`,
        band: null,
        news2Total: null,
        partial: false,
        triggeringParameters: ['fall' as const],
        at: new Date(r.measuredAt),
      };
    });
}
