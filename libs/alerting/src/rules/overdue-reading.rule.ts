import type { Parameter } from '@vigil/contracts';
import type { PatientContext } from '../patient-context';
import type { Finding, RuleDefinition } from './rule';

/**
 * Overdue reading: a required parameter of the patient's monitoring schedule has no reading within
 * `intervalMinutes + graceMinutes` (from admission when there was never one). Run by a timer.
 */
export const OVERDUE_READING_RULE: RuleDefinition = {
  id: 'overdue-reading',
  version: 1,
  kind: 'clinical',
  title: 'Scheduled reading overdue',
  source: null,
  autoResolve: true,
};

export function evaluateOverdueReading(
  patient: PatientContext,
  lastMeasured: ReadonlyMap<string, Date>,
  now: Date,
): Finding | null {
  const required = patient.monitoring.requiredParameters ?? [];
  const interval = patient.monitoring.intervalMinutes;
  if (required.length === 0 || interval === undefined) return null;
  const limitMs = (interval + (patient.monitoring.graceMinutes ?? 0)) * 60_000;
  const overdue = required.filter((p) => {
    const last = lastMeasured.get(p) ?? patient.admittedAt;
    return now.getTime() - last.getTime() > limitMs;
  });
  if (overdue.length === 0) return { active: false, rule: OVERDUE_READING_RULE, subject: '', at: now };
  return {
    active: true,
    rule: OVERDUE_READING_RULE,
    subject: '',
    severity: 'low',
    reason:
      `No ${overdue.join(', ')} reading for more than ${interval} minutes plus ` +
      `${patient.monitoring.graceMinutes ?? 0} minutes' grace (monitoring schedule).`,
    band: null,
    news2Total: null,
    partial: false,
    triggeringParameters: overdue as Parameter[],
    at: now,
  };
}
