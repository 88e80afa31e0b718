import type { AlertEventType, AlertState, UserRole } from '@vigil/contracts';
import { type AlertAuditEntry, type AlertRecord, alertEvent, changedFields } from './alert-record';
import type { AlertingPolicy } from './policy';
import type { AlertEvent } from '@vigil/contracts';

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

export type AlertActionInput =
  | { action: 'acknowledge' }
  | { action: 'assign'; assignee: string | null }
  | { action: 'escalate'; reason: string; destination?: string }
  | { action: 'resolve'; note: string }
  | { action: 'snooze'; minutes: number };

export interface Actor {
  userId: string;
  role: UserRole;
}

export class AlertActionError extends Error {
  constructor(
    readonly code: 'forbidden' | 'invalid-transition' | 'invalid',
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
  a: Pick<AlertRecord, 'state' | 'severity'>,
  role: UserRole,
  policy: Pick<AlertingPolicy, 'maxSnoozeMinutes'>,
): AlertAction[] {
  return ALERT_ACTIONS.filter(
    (action) =>
      ROLES_FOR_ACTION[action].includes(role) &&
      FROM_STATES[action].includes(a.state) &&
      (action !== 'snooze' || maxSnoozeMinutes(a, policy) !== null),
  );
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
  if (!FROM_STATES[action].includes(a.state)) {
    throw new AlertActionError('invalid-transition', `cannot ${action} an alert that is ${a.state}`);
  }
  const after = { ...next(a, input, actor, at, policy), updatedAt: at };
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
      return {
        ...a,
        state: 'escalated',
        escalatedAt: at,
        escalatedBy: actor.userId,
        escalationReason: input.reason,
        escalationDestination: input.destination ?? 'ccc',
      };
    case 'resolve':
      if (!input.note.trim()) throw new AlertActionError('invalid', 'resolving an alert needs a note');
      return {
        ...a,
        state: 'resolved',
        resolvedAt: at,
        resolvedBy: actor.userId,
        resolutionNote: input.note,
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
