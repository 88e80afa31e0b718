import { createHash } from 'node:crypto';
import {
  DEVICE_KIND_PARAMETERS,
  DEVICE_PROTOCOL_VERSION,
  type DeviceKindValue,
  type Parameter,
  type ReadingDueCommand,
} from '@vigil/contracts';
import type { ScheduledReading } from './schedule';

/** A device bound now to the patient, with its kind (which says what it measures). */
export interface ReminderDevice {
  deviceId: string;
  kind: DeviceKindValue;
}

/** A reminder decided for one due reading: the command, and whose reading it is (never sent to the device). */
export interface ReadingReminder {
  patientId: string;
  command: ReadingDueCommand;
}

/**
 * The id of the reminder of one due reading: the same patient, parameter and due time always give the same
 * id (a UUID derived from them), so the timers may decide it on every tick and it is still sent once, and a
 * device that receives it twice acts once. A new reading moves `dueAt`, and so makes the next reminder.
 */
export function reminderId(patientId: string, parameter: Parameter, dueAt: Date): string {
  const hex = createHash('sha256')
    .update(`reading-due|${patientId}|${parameter}|${dueAt.toISOString()}`)
    .digest('hex');
  // RFC 9562 layout: version 8 (custom), variant 10.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Issue 13: the reminders due at `now` for one patient (pure; the scorer's timer runs it and ingest publishes
 * each command to `vigil/v1/devices/{deviceId}/commands`). A reminder goes out for every scheduled reading that
 * is due or overdue at `now` in event time (`readingSchedule`: its due time is the last reading's measurement
 * time plus the interval, or admission), to a device bound to the patient whose kind measures the parameter
 * (`DEVICE_KIND_PARAMETERS`). When several do (a pulse oximeter and a blood-pressure cuff both give a pulse),
 * the one that measures the most of the readings due now is chosen, then the first by id, so the patient is
 * asked to use as few devices as possible. A reading no bound device measures gets no reminder. A reminder is
 * advice to the patient: the overdue-reading alert does not depend on it (HZ-61).
 */
export function readingReminders(input: {
  patientId: string;
  schedule: readonly ScheduledReading[];
  devices: readonly ReminderDevice[];
  now: Date;
}): ReadingReminder[] {
  const { patientId, now } = input;
  const due = input.schedule.filter((r) => r.dueAt.getTime() <= now.getTime());
  if (due.length === 0 || input.devices.length === 0) return [];
  const measures = (d: ReminderDevice, p: Parameter) => (DEVICE_KIND_PARAMETERS[d.kind] ?? []).includes(p);
  const coverage = new Map(
    input.devices.map((d) => [d.deviceId, due.filter((r) => measures(d, r.parameter)).length]),
  );
  const out: ReadingReminder[] = [];
  for (const r of due) {
    const device = input.devices
      .filter((d) => measures(d, r.parameter))
      .sort(
        (a, b) =>
          (coverage.get(b.deviceId) ?? 0) - (coverage.get(a.deviceId) ?? 0) ||
          a.deviceId.localeCompare(b.deviceId),
      )[0];
    if (!device) continue;
    out.push({
      patientId,
      command: {
        v: DEVICE_PROTOCOL_VERSION,
        type: 'reading-due',
        commandId: reminderId(patientId, r.parameter, r.dueAt),
        deviceId: device.deviceId,
        parameter: r.parameter,
        dueAt: r.dueAt.toISOString(),
        overdueAt: r.overdueAt.toISOString(),
        issuedAt: now.toISOString(),
      },
    });
  }
  return out;
}
