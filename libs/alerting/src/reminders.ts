import type { DeviceKindValue } from '@vigil/contracts';
import { type ReadingReminder, readingReminders } from '@vigil/pathways';
import type { PatientContext } from './patient-context';
import { planReadingSchedule } from './rules/overdue-reading.rule';

/**
 * Issue 13: the reading reminders due for one patient at `now` (pure; run by the scorer's schedule timer
 * beside the overdue-reading rule, on the same schedule). Only a patient on a monitoring plan, not
 * discharged, gets reminders; the commands go to the patient's bound devices that measure each due
 * parameter (see `readingReminders` in libs/pathways). Each reminder's id is derived from the patient,
 * parameter and due time, so deciding it on every tick still sends it once (the scorer stores ids).
 */
export function decideReadingReminders(
  patient: PatientContext,
  lastMeasured: ReadonlyMap<string, Date>,
  devices: readonly { deviceId: string; kind: DeviceKindValue }[],
  now: Date,
): ReadingReminder[] {
  const plan = patient.monitoring.parameterSchedules;
  if (!plan || plan.length === 0 || patient.dischargedAt !== null) return [];
  const schedule = planReadingSchedule(patient, plan, lastMeasured, now);
  return readingReminders({ patientId: patient.patientId, schedule, devices, now });
}
