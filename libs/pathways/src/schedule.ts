import type { Parameter } from '@vigil/contracts';

/** The parameters NEWS2 scores (RCP NEWS2 2017): these are the ones tightening makes hourly. */
export const NEWS2_SCHEDULED_PARAMETERS: ReadonlySet<Parameter> = new Set<Parameter>([
  'respiratoryRate',
  'spo2',
  'inspiredOxygen',
  'systolicBp',
  'heartRate',
  'consciousness',
  'temperature',
]);

/** One parameter's schedule as alerting and the views read it. */
export interface ScheduleEntry {
  parameter: Parameter;
  everyMinutes: number;
  graceMinutes: number;
}

export interface TighteningRule {
  news2AtLeast: number;
  onRedScore: boolean;
  everyMinutes: number;
}

/** The patient's latest NEWS2, as tightening reads it. */
export interface LatestNews2 {
  total: number;
  redScore: boolean;
  /** Event time of the score. */
  at: Date;
}

/**
 * Whether the schedule is tightened now: the latest NEWS2 reaches the plan's threshold (RCP NEWS2 2017,
 * chart 2: 5–6 → at least hourly; a single parameter scoring 3 → at least hourly). It relaxes as soon
 * as a newer score falls back below: the latest score decides, in event time.
 */
export function isTightened(
  tightening: TighteningRule | null | undefined,
  news2: LatestNews2 | null,
): boolean {
  if (!tightening || !news2) return false;
  return news2.total >= tightening.news2AtLeast || (tightening.onRedScore && news2.redScore);
}

/**
 * The schedules in force: when tightened, every NEWS2 parameter is due at least every
 * `tightening.everyMinutes` (grace capped at a quarter of that); other parameters (body weight) keep theirs.
 */
export function effectiveSchedules(
  schedules: readonly ScheduleEntry[],
  tightening: TighteningRule | null | undefined,
  news2: LatestNews2 | null,
): (ScheduleEntry & { tightened: boolean })[] {
  const tight = isTightened(tightening, news2);
  return schedules.map((s) => {
    if (!tight || !tightening || !NEWS2_SCHEDULED_PARAMETERS.has(s.parameter))
      return { ...s, tightened: false };
    if (s.everyMinutes <= tightening.everyMinutes) return { ...s, tightened: false };
    return {
      parameter: s.parameter,
      everyMinutes: tightening.everyMinutes,
      graceMinutes: Math.min(s.graceMinutes, Math.floor(tightening.everyMinutes / 4)),
      tightened: true,
    };
  });
}

export type ReadingStatus = 'done' | 'due' | 'overdue';

/** One row of the patient's and the ward's schedule view. */
export interface ScheduledReading {
  parameter: Parameter;
  everyMinutes: number;
  graceMinutes: number;
  tightened: boolean;
  lastAt: Date | null;
  /** When the next reading is due (from the last one, or from admission when there was none). */
  dueAt: Date;
  /** After this the reading is overdue (and alerts). */
  overdueAt: Date;
  status: ReadingStatus;
}

/**
 * Each scheduled reading's status at `now`: `done` while the last reading is within its interval, `due`
 * from then until the grace has passed, `overdue` after. A parameter never measured is due from admission
 * (its first reading is wanted now) and overdue once a whole interval plus grace has passed — the same
 * limit as the overdue-reading alert, so the view and the alert never disagree.
 */
export function readingSchedule(
  schedules: readonly (ScheduleEntry & { tightened?: boolean })[],
  lastMeasured: ReadonlyMap<string, Date>,
  admittedAt: Date,
  now: Date,
): ScheduledReading[] {
  return schedules.map((s) => {
    const last = lastMeasured.get(s.parameter) ?? null;
    const every = s.everyMinutes * 60_000;
    const grace = s.graceMinutes * 60_000;
    const dueAt = last ? new Date(last.getTime() + every) : admittedAt;
    const overdueAt = new Date((last ?? admittedAt).getTime() + every + grace);
    const t = now.getTime();
    const status: ReadingStatus = t > overdueAt.getTime() ? 'overdue' : t >= dueAt.getTime() ? 'due' : 'done';
    return {
      parameter: s.parameter,
      everyMinutes: s.everyMinutes,
      graceMinutes: s.graceMinutes,
      tightened: s.tightened ?? false,
      lastAt: last,
      dueAt,
      overdueAt,
      status,
    };
  });
}

/** The readings overdue now (what the overdue-reading alert fires on). */
export function overdueParameters(rows: readonly ScheduledReading[]): Parameter[] {
  return rows.filter((r) => r.status === 'overdue').map((r) => r.parameter);
}
