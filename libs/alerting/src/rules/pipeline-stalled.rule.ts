import type { Finding, RuleDefinition } from './rule';

/**
 * Pipeline stalled (HZ-01): no synthetic heartbeat has come through ingest → stream → scorer for longer
 * than the stall limit, so this patient's readings may not be scored and their alerts may be late. A
 * technical alert on every monitored patient, because a stall silences all of them at once and alert
 * episodes belong to a patient. It clears as soon as heartbeats flow again: the stall limit itself is the
 * debounce, so it needs none of the clinical hysteresis.
 */
export const PIPELINE_STALLED_RULE: RuleDefinition = {
  id: 'pipeline-stalled',
  version: 1,
  kind: 'technical',
  title: 'Alerting pipeline stalled',
  source: null,
  autoResolve: true,
};

/** One subject per patient: there is one pipeline. */
export const PIPELINE_SUBJECT = 'pipeline';

/** Clears on the first healthy check; see {@link PIPELINE_STALLED_RULE}. */
export const PIPELINE_HYSTERESIS = { clearMinutes: 0, clearReadings: 1 } as const;

/**
 * Null when no heartbeat was ever recorded: before the first one the scorer cannot tell a stall from a
 * pipeline that has not started, and says nothing rather than raising an alarm on every fresh install.
 */
export function evaluatePipelineStalled(
  lastHeartbeatAt: Date | null,
  now: Date,
  stallSeconds: number,
): Finding | null {
  if (lastHeartbeatAt === null) return null;
  const silentMs = now.getTime() - lastHeartbeatAt.getTime();
  if (silentMs <= stallSeconds * 1000) {
    return { active: false, rule: PIPELINE_STALLED_RULE, subject: PIPELINE_SUBJECT, at: now };
  }
  return {
    active: true,
    rule: PIPELINE_STALLED_RULE,
    subject: PIPELINE_SUBJECT,
    severity: 'technical',
    reason:
      `No pipeline heartbeat since ${lastHeartbeatAt.toISOString()} (more than ${stallSeconds} seconds): ` +
      `this patient's readings may not be scored and their alerts may be delayed. Check the patient by ` +
      `other means until the pipeline recovers.`,
    band: null,
    news2Total: null,
    partial: false,
    triggeringParameters: [],
    at: now,
    // The rule knows no patient's readings: the scorer gives each patient's newest (HZ-01 alert, not a reading).
    lastReadingAt: null,
  };
}
