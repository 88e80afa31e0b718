import { readingDueCommandSchema } from '@vigil/contracts';
import { applyTemplate } from './plan';
import { readingReminders, reminderId, type ReminderDevice } from './reminders';
import { readingSchedule } from './schedule';
import { PATHWAY_TEMPLATES } from './templates';

/** A fake clock: every instant is minutes after admission. */
const ADMITTED = new Date('2026-12-01T08:00:00Z');
const at = (minutes: number): Date => new Date(ADMITTED.getTime() + minutes * 60_000);
const PATIENT = '0f8fad5b-d9cb-469f-a165-70867728950e';

const hf = applyTemplate(PATHWAY_TEMPLATES['heart-failure']);
const devices: ReminderDevice[] = [
  { deviceId: 'bp-1', kind: 'blood-pressure' },
  { deviceId: 'ox-1', kind: 'pulse-oximeter' },
  { deviceId: 'scale-hub', kind: 'hub' },
];

function remindersAt(minutes: number, last: Map<string, Date>, bound = devices) {
  const now = at(minutes);
  const schedule = readingSchedule(hf.schedules, last, ADMITTED, now);
  return readingReminders({ patientId: PATIENT, schedule, devices: bound, now });
}

describe('reading reminders (pure, event time, fake clock)', () => {
  // Heart failure: weight daily, BP, pulse and SpO2 12-hourly; all measured at admission.
  const last = new Map(['bodyWeight', 'systolicBp', 'heartRate', 'spo2'].map((p) => [p, at(0)]));

  it('HZ-61: no reminder while every reading is done; one per due reading once its due time is reached', () => {
    expect(remindersAt(12 * 60 - 1, last)).toEqual([]);
    const due = remindersAt(12 * 60, last);
    expect(due.map((r) => r.command.parameter).sort()).toEqual(['heartRate', 'spo2', 'systolicBp']);
    for (const r of due) {
      expect(readingDueCommandSchema.parse(r.command)).toEqual(r.command);
      expect(r.command).toMatchObject({ v: 1, type: 'reading-due', dueAt: at(12 * 60).toISOString() });
      expect(r.command.overdueAt).toBe(at(13 * 60).toISOString());
    }
  });

  it('HZ-61: the due time is the last reading’s measurement time plus the interval, in event time', () => {
    // A reading measured at 09:00 but received hours later still moves the due time to 21:00.
    const late = new Map(last).set('spo2', at(60));
    const due = remindersAt(12 * 60 + 30, late).map((r) => r.command.parameter);
    expect(due).not.toContain('spo2');
    expect(remindersAt(13 * 60, late).find((r) => r.command.parameter === 'spo2')?.command.dueAt).toBe(
      at(13 * 60).toISOString(),
    );
  });

  it('HZ-60: each reminder goes to a bound device that measures the parameter, preferring the fewest devices', () => {
    const byParameter = Object.fromEntries(
      remindersAt(24 * 60, last).map((r) => [r.command.parameter, r.command.deviceId]),
    );
    expect(byParameter).toEqual({
      // The hub measures all four due readings, so the patient is asked to use one device.
      bodyWeight: 'scale-hub',
      systolicBp: 'scale-hub',
      heartRate: 'scale-hub',
      spo2: 'scale-hub',
    });
    const noHub = devices.filter((d) => d.kind !== 'hub');
    const split = Object.fromEntries(
      remindersAt(24 * 60, last, noHub).map((r) => [r.command.parameter, r.command.deviceId]),
    );
    // No bound device weighs: no weight reminder (the overdue alert still fires, HZ-30).
    expect(split).toEqual({ systolicBp: 'bp-1', heartRate: 'bp-1', spo2: 'ox-1' });
  });

  it('HZ-61: a parameter never measured is reminded from admission; no bound device, no reminder', () => {
    const first = remindersAt(0, new Map(), [{ deviceId: 'ox-1', kind: 'pulse-oximeter' }]);
    expect(first.map((r) => r.command.parameter).sort()).toEqual(['heartRate', 'spo2']);
    expect(first[0].command.dueAt).toBe(ADMITTED.toISOString());
    expect(remindersAt(0, new Map(), [])).toEqual([]);
  });

  it('the reminder of one due reading keeps its id on every tick; a new reading makes a new one', () => {
    const a = remindersAt(12 * 60, last).find((r) => r.command.parameter === 'spo2')!;
    const b = remindersAt(12 * 60 + 20, last).find((r) => r.command.parameter === 'spo2')!;
    expect(b.command.commandId).toBe(a.command.commandId);
    expect(b.command.issuedAt).not.toBe(a.command.issuedAt);
    expect(a.command.commandId).toBe(reminderId(PATIENT, 'spo2', at(12 * 60)));
    const next = new Map(last).set('spo2', at(12 * 60 + 5));
    const c = remindersAt(24 * 60 + 5, next).find((r) => r.command.parameter === 'spo2')!;
    expect(c.command.commandId).not.toBe(a.command.commandId);
    // Another patient's reading due at the same time has its own id.
    expect(reminderId('1f8fad5b-d9cb-469f-a165-70867728950e', 'spo2', at(12 * 60))).not.toBe(
      a.command.commandId,
    );
  });
});
