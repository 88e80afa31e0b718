import type { Parameter } from '@vigil/contracts';
import {
  effectiveSchedules,
  overdueParameters,
  readingSchedule,
  type ScheduledReading,
} from '@vigil/pathways';
import type { PatientContext } from '../patient-context';
import { freshnessMinutes, isFresh } from '../policy';
import type { Finding, RuleDefinition } from './rule';

/**
 * Overdue reading: a required parameter of the patient's monitoring schedule has no reading within its
 * interval plus grace (from admission when there was never one). Run by a timer. With a monitoring plan
 * (issue 13) each parameter has its own schedule, and NEWS2 parameters tighten to at least hourly while
 * the latest NEWS2 is 5 or more (RCP NEWS2 2017, chart 2), relaxing when it falls back.
 */
export const OVERDUE_READING_RULE: RuleDefinition = {
  id: 'overdue-reading',
  version: 2,
  kind: 'clinical',
  title: 'Scheduled reading overdue',
  source: 'RCP NEWS2 2017, chart 2 (minimum observation frequency); the patient’s monitoring plan',
  autoResolve: true,
};

export function evaluateOverdueReading(
  patient: PatientContext,
  lastMeasured: ReadonlyMap<string, Date>,
  now: Date,
): Finding | null {
  const plan = patient.monitoring.parameterSchedules;
  if (plan && plan.length > 0) return planOverdue(patient, plan, lastMeasured, now);
  const required = patient.monitoring.requiredParameters ?? [];
  const interval = patient.monitoring.intervalMinutes;
  if (required.length === 0 || interval === undefined) return null;
  const limitMs = (interval + (patient.monitoring.graceMinutes ?? 0)) * 60_000;
  const overdue = required.filter((p) => {
    const last = lastMeasured.get(p) ?? patient.admittedAt;
    return now.getTime() - last.getTime() > limitMs;
  });
  if (overdue.length === 0) return { active: false, rule: OVERDUE_READING_RULE, subject: '', at: now };
  return active(
    overdue as Parameter[],
    `No ${overdue.join(', ')} reading for more than ${interval} minutes plus ` +
      `${patient.monitoring.graceMinutes ?? 0} minutes' grace (monitoring schedule).`,
    now,
    newest(overdue.map((p) => lastMeasured.get(p))),
  );
}

/**
 * The patient's plan schedule at `now` in event time (due / overdue / done per parameter), tightened while
 * the latest fresh NEWS2 reaches the plan's threshold: what the overdue alert fires on and what reading
 * reminders are sent for (one computation, so the two never disagree).
 */
export function planReadingSchedule(
  patient: PatientContext,
  plan: NonNullable<PatientContext['monitoring']['parameterSchedules']>,
  lastMeasured: ReadonlyMap<string, Date>,
  now: Date,
): ScheduledReading[] {
  // A score older than the freshness window is no longer the patient's state (R7): it tightens nothing.
  const news2 = patient.latestNews2 ?? null;
  const fresh = news2 && isFresh(news2.at, now, freshnessMinutes(patient.monitoring)) ? news2 : null;
  const schedules = effectiveSchedules(plan, patient.monitoring.tightening, fresh);
  return readingSchedule(schedules, lastMeasured, patient.admittedAt, now);
}

function planOverdue(
  patient: PatientContext,
  plan: NonNullable<PatientContext['monitoring']['parameterSchedules']>,
  lastMeasured: ReadonlyMap<string, Date>,
  now: Date,
): Finding {
  const rows = planReadingSchedule(patient, plan, lastMeasured, now);
  const overdue = overdueParameters(rows);
  if (overdue.length === 0) return { active: false, rule: OVERDUE_READING_RULE, subject: '', at: now };
  const parts = rows
    .filter((r) => r.status === 'overdue')
    .map(
      (r) =>
        `${r.parameter} (every ${r.everyMinutes} min${r.tightened ? ', tightened: NEWS2 5 or more' : ''}` +
        `, ${r.lastAt ? `last ${r.lastAt.toISOString()}` : 'none since admission'})`,
    );
  const lastAt = newest(rows.filter((r) => r.status === 'overdue').map((r) => r.lastAt));
  return active(overdue, `Overdue per the monitoring plan: ${parts.join('; ')}.`, now, lastAt);
}

/** The newest of the overdue parameters' last readings: the alert's "last reading" (null: none of them has one). */
function newest(lastAts: readonly (Date | null | undefined)[]): Date | null {
  let out: Date | null = null;
  for (const at of lastAts) if (at && (!out || at > out)) out = at;
  return out;
}

function active(overdue: Parameter[], reason: string, now: Date, lastReadingAt: Date | null): Finding {
  return {
    active: true,
    rule: OVERDUE_READING_RULE,
    subject: '',
    severity: 'low',
    reason,
    band: null,
    news2Total: null,
    partial: false,
    triggeringParameters: overdue,
    at: now,
    lastReadingAt,
  };
}
