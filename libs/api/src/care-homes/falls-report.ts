/**
 * The falls view of a care home (issue 14, falls prevention): falls per resident over 7 and 30 days, how long
 * staff took to acknowledge them, and repeat fallers. Pure: the caller loads the falls of the last 30 days.
 *
 * A repeat faller is a resident with 2 or more falls in 30 days. NICE CG161 (falls in older people, 1.1.2):
 * people who have fallen more than once, or once with injury or difficulty getting up, should be offered a
 * multifactorial falls risk assessment.
 */
export interface FallForReport {
  patientId: string;
  openedAt: Date;
  acknowledgedAt: Date | null;
  /** Where it is now: `care-home`, or `virtual-ward`/`ccc` once it timed out or was escalated. */
  escalationDestination: string | null;
}

export interface ResidentForReport {
  patientId: string;
  name: string;
  room: string | null;
  fallsPrevention: boolean;
}

export interface ResidentFallsRow extends ResidentForReport {
  falls7: number;
  falls30: number;
  repeatFaller: boolean;
  lastFallAt: string | null;
}

export interface FallsReport {
  generatedAt: string;
  falls7: number;
  falls30: number;
  /** Falls acknowledged in the last 30 days, and the median and longest minutes to acknowledge them. */
  acknowledged30: number;
  medianMinutesToAcknowledge: number | null;
  longestMinutesToAcknowledge: number | null;
  /** Falls that went to the virtual ward because the home did not acknowledge them in time. */
  timedOutToVirtualWard30: number;
  repeatFallers: number;
  residents: ResidentFallsRow[];
}

export const REPEAT_FALLER_THRESHOLD = 2;
const DAY = 86_400_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fallsReport(
  residents: readonly ResidentForReport[],
  falls: readonly FallForReport[],
  now: Date,
): FallsReport {
  const since7 = now.getTime() - 7 * DAY;
  const since30 = now.getTime() - 30 * DAY;
  const in30 = falls.filter((f) => f.openedAt.getTime() >= since30 && f.openedAt <= now);
  const rows = residents.map((r) => {
    const mine = in30.filter((f) => f.patientId === r.patientId);
    const last = mine.reduce<Date | null>((m, f) => (m && m > f.openedAt ? m : f.openedAt), null);
    return {
      ...r,
      falls7: mine.filter((f) => f.openedAt.getTime() >= since7).length,
      falls30: mine.length,
      repeatFaller: mine.length >= REPEAT_FALLER_THRESHOLD,
      lastFallAt: last ? last.toISOString() : null,
    };
  });
  const minutes = in30
    .filter((f) => f.acknowledgedAt !== null)
    .map((f) => Math.round(((f.acknowledgedAt as Date).getTime() - f.openedAt.getTime()) / 6_000) / 10);
  return {
    generatedAt: now.toISOString(),
    falls7: in30.filter((f) => f.openedAt.getTime() >= since7).length,
    falls30: in30.length,
    acknowledged30: minutes.length,
    medianMinutesToAcknowledge: median(minutes),
    longestMinutesToAcknowledge: minutes.length ? Math.max(...minutes) : null,
    timedOutToVirtualWard30: in30.filter((f) => f.escalationDestination !== 'care-home').length,
    repeatFallers: rows.filter((r) => r.repeatFaller).length,
    // Most falls first: who the falls-prevention programme should see first.
    residents: rows.sort(
      (a, b) => b.falls30 - a.falls30 || b.falls7 - a.falls7 || a.name.localeCompare(b.name),
    ),
  };
}
