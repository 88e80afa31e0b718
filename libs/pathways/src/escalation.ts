/**
 * Tiered escalation of a virtual ward (issue 13): virtual-ward nurse → virtual-ward clinician → care
 * coordination centre → a recommendation for an urgent community response or 999. Each tier has a
 * response-time target; a tier that does not act in time hands the alert to the next (re-escalation).
 * Source for the shape: NHS England, "Guidance note: virtual ward care for people with acute respiratory
 * infection" (virtual wards run from a care coordination centre) and RCP NEWS2 2017 chart 2 (urgent and
 * emergency responses). Targets are defaults a ward's clinical lead reviews (docs/pathways.md).
 */
import { ESCALATION_TIERS, type EscalationTier } from '@vigil/contracts';

export { ESCALATION_TIERS, type EscalationTier };

export const TIER_LABELS: Readonly<Record<EscalationTier, string>> = {
  'ward-nurse': 'Virtual-ward nurse',
  'ward-clinician': 'Virtual-ward clinician',
  ccc: 'Care coordination centre',
  'urgent-response': 'Recommend urgent community response or 999',
};

/** One rung of a plan's ladder: who, and how many minutes they have to act. */
export interface TierTarget {
  tier: EscalationTier;
  responseMinutes: number;
}

/** The default ladder (minutes to act per tier). */
export const DEFAULT_ESCALATION_LADDER: readonly TierTarget[] = [
  { tier: 'ward-nurse', responseMinutes: 30 },
  { tier: 'ward-clinician', responseMinutes: 30 },
  { tier: 'ccc', responseMinutes: 15 },
  { tier: 'urgent-response', responseMinutes: 15 },
];

export class EscalationError extends Error {
  /** @param field the offending field as a dotted path (e.g. `escalation.1.responseMinutes`), when known. */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EscalationError';
  }
}

/** A ladder must name tiers in order, each at most once, with positive whole-minute targets. */
export function validateLadder(ladder: readonly TierTarget[]): void {
  if (ladder.length === 0)
    throw new EscalationError('an escalation ladder needs at least one tier', 'escalation');
  let last = -1;
  ladder.forEach((t, i) => {
    const rank = ESCALATION_TIERS.indexOf(t.tier);
    if (rank < 0)
      throw new EscalationError(`unknown escalation tier "${String(t.tier)}"`, `escalation.${i}.tier`);
    if (rank <= last) {
      throw new EscalationError(
        `escalation tiers must go up in order (${ESCALATION_TIERS.join(' → ')})`,
        `escalation.${i}.tier`,
      );
    }
    if (!Number.isInteger(t.responseMinutes) || t.responseMinutes < 1 || t.responseMinutes > 24 * 60) {
      throw new EscalationError(
        `response time for ${t.tier} must be 1–1440 whole minutes`,
        `escalation.${i}.responseMinutes`,
      );
    }
    last = rank;
  });
}

/**
 * The tier an alert starts at. NEWS2 ≥ 7 (`high`) and falls (`critical`) go straight to the clinician
 * and the CCC (issue 13; RCP NEWS2 2017: emergency response), so they start at the CCC tier of the ladder
 * (or the highest the ladder has below it).
 */
export function startingTier(
  ladder: readonly TierTarget[],
  severity: string,
): { tier: EscalationTier; alsoNotified: EscalationTier[] } {
  if (severity === 'critical' || severity === 'high') {
    const upToCcc = ladder.filter((t) => ESCALATION_TIERS.indexOf(t.tier) <= ESCALATION_TIERS.indexOf('ccc'));
    const top = upToCcc.at(-1) ?? ladder[0];
    const alsoNotified = upToCcc.map((t) => t.tier).filter((t) => t === 'ward-clinician' && t !== top.tier);
    return { tier: top.tier, alsoNotified };
  }
  return { tier: ladder[0].tier, alsoNotified: [] };
}

/** The next tier above `tier` on this ladder, or null at the top. */
export function nextTier(ladder: readonly TierTarget[], tier: EscalationTier): TierTarget | null {
  const i = ladder.findIndex((t) => t.tier === tier);
  return i >= 0 && i + 1 < ladder.length ? ladder[i + 1] : null;
}

export function targetOf(ladder: readonly TierTarget[], tier: EscalationTier): TierTarget | null {
  return ladder.find((t) => t.tier === tier) ?? null;
}

/** Where an alert stands against its tier's response-time target at `now`. */
export interface TierStatus {
  tier: EscalationTier;
  responseMinutes: number | null;
  /** When the tier's target falls due. */
  dueAt: Date | null;
  /** Minutes left (negative: late). */
  minutesLeft: number | null;
  breached: boolean;
}

export function tierStatus(
  ladder: readonly TierTarget[],
  tier: EscalationTier,
  tierSince: Date,
  acted: boolean,
  now: Date,
): TierStatus {
  const target = targetOf(ladder, tier);
  if (!target) return { tier, responseMinutes: null, dueAt: null, minutesLeft: null, breached: false };
  const dueAt = new Date(tierSince.getTime() + target.responseMinutes * 60_000);
  const minutesLeft = Math.floor((dueAt.getTime() - now.getTime()) / 60_000);
  return {
    tier,
    responseMinutes: target.responseMinutes,
    dueAt,
    minutesLeft,
    breached: !acted && now.getTime() >= dueAt.getTime(),
  };
}

/**
 * Re-escalation: a tier that has not acted by its target hands the alert to the next tier. Returns the
 * next tier when that is due now, else null (acted, not yet due, or already at the top).
 */
export function reEscalation(
  ladder: readonly TierTarget[],
  tier: EscalationTier,
  tierSince: Date,
  acted: boolean,
  now: Date,
): TierTarget | null {
  if (!tierStatus(ladder, tier, tierSince, acted, now).breached) return null;
  return nextTier(ladder, tier);
}
