import type { SmiContactOutcome } from '@vigil/contracts';

/**
 * The lighter plan for physical-health monitoring of people with severe mental illness (issue 14 §3):
 * weekly weight, blood pressure and pulse with a short check-in questionnaire. A missed check-in goes to a
 * named care coordinator (community mental health team), never to the acute virtual-ward tiers.
 */
export interface SmiPlan {
  /** Days between check-ins (weekly by default). */
  intervalDays: number;
  /** Hours after a check-in falls due before it counts as missed. */
  graceHours: number;
  /** The named care coordinator missed check-ins go to. */
  careCoordinator: { name: string; contact: string };
  startedAt: Date;
}

export const DEFAULT_SMI_INTERVAL_DAYS = 7;
export const DEFAULT_SMI_GRACE_HOURS = 48;

/** What the plan collects each time, in the questionnaire `severe-mental-illness`. */
export const SMI_PARAMETERS = ['bodyWeight', 'systolicBp', 'diastolicBp', 'heartRate'] as const;

export interface SmiCheckInStatus {
  /** When the next check-in is due. */
  dueAt: Date;
  /** When it counts as missed. */
  missedAt: Date;
  state: 'done' | 'due' | 'missed';
}

const DAY = 24 * 3_600_000;

/**
 * The check-in state at `now`: due one interval after the last check-in (or the plan's start), missed once
 * the grace period after that has passed without one. With still no check-in, the next is due one interval
 * later, and so on: a person who stops checking in is missed again every interval (HZ-44, HZ-66), not once.
 */
export function smiCheckInStatus(
  plan: Pick<SmiPlan, 'intervalDays' | 'graceHours' | 'startedAt'>,
  lastCheckInAt: Date | null,
  now: Date,
): SmiCheckInStatus {
  const from = lastCheckInAt && lastCheckInAt > plan.startedAt ? lastCheckInAt : plan.startedAt;
  const interval = plan.intervalDays * DAY;
  // The newest due date not after `now` (the first one while none has come yet).
  const intervals = Math.max(1, Math.floor((now.getTime() - from.getTime()) / interval));
  const dueAt = new Date(from.getTime() + intervals * interval);
  const missedAt = new Date(dueAt.getTime() + plan.graceHours * 3_600_000);
  const state = now >= missedAt ? 'missed' : now >= dueAt ? 'due' : 'done';
  return { dueAt, missedAt, state };
}

/**
 * Whether a missed check-in needs escalating now: it is missed and this due date has not been escalated
 * already (one escalation per missed check-in; the next one counts from the next due date).
 */
export function smiEscalationDue(status: SmiCheckInStatus, lastEscalatedDueAt: Date | null): boolean {
  return status.state === 'missed' && (lastEscalatedDueAt === null || lastEscalatedDueAt < status.dueAt);
}

/**
 * Whether a care coordinator's contact closes a missed check-in (HZ-66). Reaching the person closes it,
 * whatever came of it (they checked in, will check in, or a concern was referred on: the referral is the
 * follow-up); "no answer" keeps it open and on the coordinator's list, with the attempt shown as the last
 * contact, so an unreachable person is never taken off the list by trying once.
 */
export function smiContactCloses(outcome: SmiContactOutcome): boolean {
  return outcome !== 'no-answer';
}

/** When a check-in due at `dueAt` counts as missed under the plan's grace. */
export function smiMissedAt(dueAt: Date, graceHours: number): Date {
  return new Date(dueAt.getTime() + graceHours * 3_600_000);
}
