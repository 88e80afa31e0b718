import { applyTemplate, monitoringOf } from './plan';
import { effectiveSchedules, isTightened, overdueParameters, readingSchedule } from './schedule';
import { PATHWAY_TEMPLATES } from './templates';

/** A fake clock: every instant is minutes after admission. */
const ADMITTED = new Date('2026-12-01T08:00:00Z');
const at = (minutes: number): Date => new Date(ADMITTED.getTime() + minutes * 60_000);

describe('reading schedules (fake clock)', () => {
  const plan = applyTemplate(PATHWAY_TEMPLATES.ari);
  const spo2Only = plan.schedules.filter((s) => s.parameter === 'spo2');

  it('HZ-30: a reading is done within its interval, due after it, overdue after the grace', () => {
    const last = new Map([['spo2', at(0)]]);
    const status = (m: number) => readingSchedule(spo2Only, last, ADMITTED, at(m))[0].status;
    expect(status(239)).toBe('done');
    expect(status(240)).toBe('due');
    expect(status(270)).toBe('due');
    expect(status(271)).toBe('overdue');
  });

  it('HZ-30: a parameter never measured is due from admission and overdue after interval plus grace', () => {
    const rows = readingSchedule(spo2Only, new Map(), ADMITTED, at(10));
    expect(rows[0]).toMatchObject({ status: 'due', lastAt: null, dueAt: ADMITTED });
    expect(overdueParameters(readingSchedule(spo2Only, new Map(), ADMITTED, at(271)))).toEqual(['spo2']);
  });

  it('HZ-31: NEWS2 ≥ 5 tightens NEWS2 parameters to hourly and a lower score relaxes them', () => {
    const hf = applyTemplate(PATHWAY_TEMPLATES['heart-failure']);
    const five = { total: 5, redScore: false, at: at(0) };
    const tight = effectiveSchedules(hf.schedules, hf.tightening, five);
    expect(tight.find((s) => s.parameter === 'heartRate')).toMatchObject({
      everyMinutes: 60,
      tightened: true,
    });
    // Body weight is not a NEWS2 parameter: a daily weight stays daily.
    expect(tight.find((s) => s.parameter === 'bodyWeight')).toMatchObject({
      everyMinutes: 1440,
      tightened: false,
    });
    const relaxed = effectiveSchedules(hf.schedules, hf.tightening, {
      total: 4,
      redScore: false,
      at: at(90),
    });
    expect(relaxed.find((s) => s.parameter === 'heartRate')).toMatchObject({
      everyMinutes: 720,
      tightened: false,
    });
  });

  it('HZ-31: a tightened schedule makes a reading overdue an hour after the last, not four', () => {
    const last = new Map([['spo2', at(0)]]);
    const news2 = { total: 6, redScore: false, at: at(0) };
    const now = at(80);
    const normal = readingSchedule(effectiveSchedules(spo2Only, plan.tightening, null), last, ADMITTED, now);
    const tight = readingSchedule(effectiveSchedules(spo2Only, plan.tightening, news2), last, ADMITTED, now);
    expect(normal[0].status).toBe('done');
    expect(tight[0]).toMatchObject({
      status: 'overdue',
      tightened: true,
      everyMinutes: 60,
      graceMinutes: 15,
    });
  });

  it('a single parameter scoring 3 tightens too (RCP), and no tightening rule means none', () => {
    expect(isTightened(plan.tightening, { total: 3, redScore: true, at: at(0) })).toBe(true);
    expect(isTightened(plan.tightening, { total: 4, redScore: false, at: at(0) })).toBe(false);
    expect(isTightened(null, { total: 9, redScore: true, at: at(0) })).toBe(false);
  });

  it('projects a plan to the monitoring alerting reads (shortest interval kept for the legacy fields)', () => {
    const m = monitoringOf(applyTemplate(PATHWAY_TEMPLATES['heart-failure']));
    expect(m.requiredParameters).toEqual(['bodyWeight', 'systolicBp', 'heartRate', 'spo2']);
    expect(m.intervalMinutes).toBe(720);
    expect(m.weightGain).toEqual([{ gainKg: 2, windowHours: 72 }]);
    expect(m.escalation[0]).toEqual({ tier: 'ward-nurse', responseMinutes: 60 });
  });
});
