import {
  type AlertEventType,
  type AlertSeverity,
  type AlertState,
  severityRank,
  type UserRole,
} from '@vigil/contracts';
import { type AlertAuditEntry, type AlertRecord, alertEvent, changedFields } from './alert-record';
import type { AlertingPolicy } from './policy';
import type { AlertEvent, AlertOutcome, EscalationTier } from '@vigil/contracts';
import { ESCALATION_TIERS, TIER_LABELS } from '@vigil/pathways';

/** What a person can do to an alert. */
export const ALERT_ACTIONS = ['acknowledge', 'assign', 'escalate', 'resolve', 'snooze'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/**
 * Which roles may take each action (every route also checks the alert's ward or CCC scope; care-home staff
 * act only on their own residents' falls, through the care-home routes).
 */
export const ROLES_FOR_ACTION: Readonly<Record<AlertAction, readonly UserRole[]>> = {
  acknowledge: ['nurse', 'clinician', 'coordinator', 'admin', 'care-home'],
  assign: ['nurse', 'clinician', 'coordinator', 'admin'],
  escalate: ['nurse', 'clinician', 'admin'],
  resolve: ['nurse', 'clinician', 'coordinator', 'admin', 'care-home'],
  snooze: ['nurse', 'clinician'],
};

/** From which states each action may start (SPEC §4). `resolved` is final; a new episode starts afresh. */
const FROM_STATES: Readonly<Record<AlertAction, readonly AlertState[]>> = {
  acknowledge: ['open', 'escalated'],
  assign: ['open', 'acknowledged', 'escalated'],
  escalate: ['open', 'acknowledged'],
  resolve: ['open', 'acknowledged', 'escalated'],
  snooze: ['open', 'acknowledged', 'escalated'],
};

/**
 * HZ-10: what the person saw when they chose to act — the alert's severity and when it last asked for
 * attention (`attentionSince`: opened, reopened by a new event or a worsening, re-prompted, re-escalated).
 * An action that carries it is refused (`changed`) when the alert has since worsened or asked for attention
 * again, so it never covers what nobody saw; a reading that leaves the severity as it was (or lowers it)
 * changes neither, and is no reason to refuse. People's actions through the api always carry it; the
 * system's own (a discharge's hand-over) do not.
 */
export interface SeenAlert {
  severity: AlertSeverity;
  attentionSince: Date;
}

export type AlertActionInput =
  | { action: 'acknowledge'; seen?: SeenAlert }
  | { action: 'assign'; assignee: string | null }
  | { action: 'escalate'; reason: string; destination?: string }
  | { action: 'resolve'; note: string; outcome?: AlertOutcome; seen?: SeenAlert }
  | { action: 'snooze'; minutes: number; seen?: SeenAlert };

export interface Actor {
  userId: string;
  role: UserRole;
}

export class AlertActionError extends Error {
  constructor(
    /** `changed`: the alert worsened or asked for attention again since the person saw it (HZ-10). */
    readonly code: 'forbidden' | 'invalid-transition' | 'invalid' | 'changed',
    message: string,
  ) {
    super(message);
    this.name = 'AlertActionError';
  }
}

/**
 * R3: the longest snooze this alert allows, or null when it cannot be snoozed (falls, NEWS2 ≥ 7 and
 * implausible readings: a person must act, not wait).
 */
export function maxSnoozeMinutes(
  a: Pick<AlertRecord, 'severity'>,
  policy: Pick<AlertingPolicy, 'maxSnoozeMinutes'>,
): number | null {
  return policy.maxSnoozeMinutes[a.severity] ?? null;
}

/** The actions this person may take on this alert now (the console shows only these). */
export function allowedActions(
  a: Pick<AlertRecord, 'state' | 'severity'> & Partial<Pick<AlertRecord, 'tier' | 'ladder'>>,
  role: UserRole,
  policy: Pick<AlertingPolicy, 'maxSnoozeMinutes'>,
): AlertAction[] {
  return ALERT_ACTIONS.filter(
    (action) =>
      ROLES_FOR_ACTION[action].includes(role) &&
      canStart(action, a) &&
      (action !== 'snooze' || maxSnoozeMinutes(a, policy) !== null),
  );
}

/**
 * Whether an action may start from the alert's state. Issue 13: an alert escalated to a tier below the top
 * of its ladder may be escalated again, to a higher tier.
 */
function canStart(
  action: AlertAction,
  a: Pick<AlertRecord, 'state'> & Partial<Pick<AlertRecord, 'tier' | 'ladder'>>,
): boolean {
  if (FROM_STATES[action].includes(a.state)) return true;
  if (action !== 'escalate' || a.state !== 'escalated' || !a.ladder || !a.tier) return false;
  const rank = ESCALATION_TIERS.indexOf(a.tier);
  return a.ladder.some((t) => ESCALATION_TIERS.indexOf(t.tier) > rank);
}

const EVENT: Readonly<Record<AlertAction, AlertEventType>> = {
  acknowledge: 'alert.acknowledged',
  assign: 'alert.assigned',
  escalate: 'alert.escalated',
  resolve: 'alert.resolved',
  snooze: 'alert.snoozed',
};

/**
 * A person's action on an alert, decided purely: the record after it, its audit row and its event.
 * Throws `AlertActionError` when the role may not, the state does not allow it, or the input is wrong.
 */
export function applyAlertAction(
  a: AlertRecord,
  input: AlertActionInput,
  actor: Actor,
  at: Date,
  policy: Pick<AlertingPolicy, 'maxSnoozeMinutes'>,
): { record: AlertRecord; audit: AlertAuditEntry; event: AlertEvent } {
  const { action } = input;
  if (!ROLES_FOR_ACTION[action].includes(actor.role)) {
    throw new AlertActionError('forbidden', `a ${actor.role} cannot ${action} alerts`);
  }
  if (!canStart(action, a)) {
    throw new AlertActionError('invalid-transition', `cannot ${action} an alert that is ${a.state}`);
  }
  if ('seen' in input && input.seen) refuseIfChanged(a, input.seen, action);
  const decided = next(a, input, actor, at, policy);
  // Issue 13: acknowledging, taking ownership or escalating is the current tier acting: its clock stops.
  const acted = a.ladder && (action === 'acknowledge' || action === 'assign') ? { tierActedAt: at } : {};
  const after = { ...decided, ...acted, updatedAt: at };
  return {
    record: after,
    audit: {
      alertId: a.id,
      at,
      actor: actor.userId,
      action: EVENT[action].replace(/^alert\./, ''),
      fromState: a.state,
      toState: after.state,
      detail: changedFields(a, after),
    },
    event: alertEvent(EVENT[action], after, at, actor.userId),
  };
}

const DOING: Readonly<Record<AlertAction, string>> = {
  acknowledge: 'acknowledging',
  assign: 'taking it',
  escalate: 'escalating',
  resolve: 'resolving',
  snooze: 'snoozing',
};

const severityWords = (s: AlertSeverity): string =>
  s === 'low-medium' ? 'Low–medium' : s.charAt(0).toUpperCase() + s.slice(1);

/**
 * HZ-10: an acknowledgement (and a snooze or a resolution) covers the severity seen. Escalating and taking
 * ownership carry nothing to check: each only adds attention, and refusing them would delay a response to
 * the very worsening that made them stale.
 */
function refuseIfChanged(a: AlertRecord, seen: SeenAlert, action: AlertAction): void {
  if (severityRank(a.severity) < severityRank(seen.severity)) {
    throw new AlertActionError(
      'changed',
      `This alert changed to ${severityWords(a.severity)} (from ${severityWords(seen.severity)}) since you ` +
        `opened it: review it before ${DOING[action]}.`,
    );
  }
  if (a.attentionSince.getTime() > seen.attentionSince.getTime()) {
    throw new AlertActionError(
      'changed',
      'This alert has asked for attention again since you opened it (a new event, a reopening or a ' +
        `re-escalation): review it before ${DOING[action]}.`,
    );
  }
}

function next(
  a: AlertRecord,
  input: AlertActionInput,
  actor: Actor,
  at: Date,
  policy: Pick<AlertingPolicy, 'maxSnoozeMinutes'>,
): AlertRecord {
  switch (input.action) {
    case 'acknowledge':
      return {
        ...a,
        state: 'acknowledged',
        acknowledgedAt: at,
        acknowledgedBy: actor.userId,
        assignedTo: a.assignedTo ?? actor.userId,
      };
    case 'assign':
      return { ...a, assignedTo: input.assignee };
    case 'escalate':
      if (!input.reason.trim()) throw new AlertActionError('invalid', 'an escalation needs a reason');
      if (a.ladder && a.tier)
        return {
          ...a,
          ...escalateTier(a, input.destination, at),
          escalatedBy: actor.userId,
          escalationReason: input.reason,
        };
      return {
        ...a,
        state: 'escalated',
        escalatedAt: at,
        escalatedBy: actor.userId,
        escalationReason: input.reason,
        // Without a plan's ladder there is one destination: the CCC.
        escalationDestination: 'ccc',
      };
    case 'resolve':
      if (!input.note.trim()) throw new AlertActionError('invalid', 'resolving an alert needs a note');
      return {
        ...a,
        state: 'resolved',
        resolvedAt: at,
        resolvedBy: actor.userId,
        resolutionNote: input.note,
        outcome: input.outcome ?? null,
      };
    case 'snooze': {
      const max = maxSnoozeMinutes(a, policy);
      if (max === null) {
        throw new AlertActionError(
          'invalid',
          `a ${a.severity} alert cannot be snoozed: falls, NEWS2 7 or more and implausible readings need a person now`,
        );
      }
      if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > max) {
        throw new AlertActionError('invalid', `a ${a.severity} alert can be snoozed for 1 to ${max} minutes`);
      }
      return {
        ...a,
        snoozedUntil: new Date(at.getTime() + input.minutes * 60_000),
        snoozedBy: actor.userId,
        snoozeSeverity: a.severity,
      };
    }
  }
}

/**
 * Issue 13: a person escalates an alert under a ladder to a higher tier (the next one unless they name
 * one); the new tier's response-time target starts now.
 */
function escalateTier(a: AlertRecord, destination: string | undefined, at: Date): Partial<AlertRecord> {
  const ladder = a.ladder ?? [];
  const current = ESCALATION_TIERS.indexOf(a.tier as EscalationTier);
  const higher = ladder.filter((t) => ESCALATION_TIERS.indexOf(t.tier) > current);
  const target =
    destination === undefined || destination === 'next'
      ? higher[0]
      : higher.find((t) => t.tier === destination);
  if (!target) {
    const names = higher.map((t) => t.tier).join(', ');
    throw new AlertActionError(
      'invalid',
      names
        ? `escalate to one of the higher tiers of this plan: ${names}`
        : `${TIER_LABELS[a.tier as EscalationTier]} is the highest tier of this plan`,
    );
  }
  return {
    state: 'escalated',
    tier: target.tier,
    tierSince: at,
    escalatedAt: at,
    escalationDestination: target.tier,
  };
}
