import type { DischargeCriteria } from './templates';

/** A stored NEWS2 as discharge criteria read it. */
export interface ScoreForDischarge {
  total: number;
  redScore: boolean;
  partial: boolean;
  /** Event time. */
  at: Date;
}

export interface DischargeReadiness {
  met: boolean;
  /** Each criterion in words, and whether it holds. */
  checks: { text: string; met: boolean }[];
}

/**
 * Whether a template's discharge criteria hold at `now` (e.g. 48 h without a medium NEWS2, NICE QS210's
 * ARI virtual wards): no NEWS2 of 5 or more and no red score within the window, at least one complete score
 * within it (silence is not stability), and no unresolved alert. Advice for the clinician, never a gate on
 * its own: the discharge flow still asks a person to decide.
 */
export function dischargeReadiness(
  criteria: DischargeCriteria,
  scores: readonly ScoreForDischarge[],
  openAlerts: number,
  admittedAt: Date,
  now: Date,
): DischargeReadiness {
  const hours = criteria.hoursWithoutMediumNews2;
  const from = now.getTime() - hours * 3_600_000;
  const inWindow = scores.filter((s) => s.at.getTime() >= from && s.at.getTime() <= now.getTime());
  const checks: DischargeReadiness['checks'] = [];
  if (hours > 0) {
    checks.push({
      text: `On the ward for at least ${hours} hours`,
      met: now.getTime() - admittedAt.getTime() >= hours * 3_600_000,
    });
    checks.push({
      text: `No NEWS2 of 5 or more and no red score in the last ${hours} hours`,
      met: inWindow.every((s) => s.total < 5 && !s.redScore),
    });
    checks.push({
      text: `At least one complete NEWS2 in the last ${hours} hours`,
      met: inWindow.some((s) => !s.partial),
    });
  }
  checks.push({ text: 'No unresolved alerts (R14)', met: openAlerts === 0 });
  return { met: checks.every((c) => c.met), checks };
}
