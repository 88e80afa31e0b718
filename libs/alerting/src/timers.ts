import {
  type AlertAuditEntry,
  type AlertChanges,
  type AlertRecord,
  alertEvent,
  isSnoozed,
} from './alert-record';
import { CARE_HOME_DESTINATION, VIRTUAL_WARD_DESTINATION } from './episodes';
import type { AlertingPolicy } from './policy';

type TimerPolicy = Pick<AlertingPolicy, 'escalationMinutes' | 'repromptMinutes'> &
  Partial<Pick<AlertingPolicy, 'careHomeAcknowledgeMinutes'>>;

const MINUTE = 60_000;

/**
 * The timers' decisions on unresolved episodes at `now` (pure; the scorer runs them under a lock):
 * - an open alert nobody has acknowledged escalates to the CCC once it has waited its severity's limit
 *   since it last asked for attention — clinical, overdue-reading and technical alike (R13); a snooze
 *   pauses this, but never for a new event or a worsening, which break the snooze (R3);
 * - R5: an acknowledged alert whose cause persists asks again (back to open, announced) once its
 *   severity's re-prompt interval has passed since the acknowledgement, and escalates again if no one
 *   answers;
 * - issue 14: a care-home resident's fall waits for the home's staff; unacknowledged after
 *   `careHomeAcknowledgeMinutes` it goes to the virtual ward (open, its attention clock restarted), and from
 *   there escalates like any alert.
 */
export function decideTimers(episodes: readonly AlertRecord[], now: Date, policy: TimerPolicy): AlertChanges {
  const out: AlertChanges = { save: [], audits: [], events: [] };
  for (const a of episodes) {
    const change =
      a.escalationDestination === CARE_HOME_DESTINATION && a.state === 'open'
        ? careHomeTimeout(a, now, policy)
        : (escalation(a, now, policy) ?? reprompt(a, now, policy));
    if (!change) continue;
    out.save.push(change.record);
    out.audits.push(change.audit);
    out.events.push(alertEvent(change.event, change.record, now, null));
  }
  return out;
}

type TimerChange = {
  record: AlertRecord;
  audit: AlertAuditEntry;
  event: 'alert.escalated' | 'alert.updated';
};

function escalation(
  a: AlertRecord,
  now: Date,
  policy: Pick<AlertingPolicy, 'escalationMinutes'>,
): TimerChange | null {
  if (a.state !== 'open' || isSnoozed(a, now)) return null;
  const limit = policy.escalationMinutes[a.severity];
  if (now.getTime() - a.attentionSince.getTime() < limit * MINUTE) return null;
  const reason = `Not acknowledged within ${limit} minutes (${a.severity}).`;
  const record: AlertRecord = {
    ...a,
    state: 'escalated',
    updatedAt: now,
    escalatedAt: now,
    escalatedBy: null,
    escalationReason: reason,
    escalationDestination: 'ccc',
  };
  return {
    record,
    audit: {
      alertId: a.id,
      at: now,
      actor: null,
      action: 'escalated-by-timer',
      fromState: 'open',
      toState: 'escalated',
      detail: { reason },
    },
    event: 'alert.escalated',
  };
}

function careHomeTimeout(a: AlertRecord, now: Date, policy: TimerPolicy): TimerChange | null {
  if (isSnoozed(a, now)) return null;
  const limit = policy.careHomeAcknowledgeMinutes ?? DEFAULT_CARE_HOME_MINUTES;
  if (now.getTime() - a.attentionSince.getTime() < limit * MINUTE) return null;
  const reason = `Not acknowledged by the care home within ${limit} minutes: sent to the virtual ward.`;
  const record: AlertRecord = {
    ...a,
    attentionSince: now,
    updatedAt: now,
    escalationReason: reason,
    escalationDestination: VIRTUAL_WARD_DESTINATION,
  };
  return {
    record,
    audit: {
      alertId: a.id,
      at: now,
      actor: null,
      action: 'escalated-to-virtual-ward',
      fromState: 'open',
      toState: 'open',
      detail: { reason },
    },
    event: 'alert.updated',
  };
}

const DEFAULT_CARE_HOME_MINUTES = 10;

function reprompt(
  a: AlertRecord,
  now: Date,
  policy: Pick<AlertingPolicy, 'repromptMinutes'>,
): TimerChange | null {
  if (a.state !== 'acknowledged' || !a.conditionActive || isSnoozed(a, now)) return null;
  const minutes = policy.repromptMinutes[a.severity];
  if (minutes === undefined) return null;
  const since = a.acknowledgedAt ?? a.attentionSince;
  if (now.getTime() - since.getTime() < minutes * MINUTE) return null;
  const record: AlertRecord = { ...a, state: 'open', attentionSince: now, updatedAt: now };
  return {
    record,
    audit: {
      alertId: a.id,
      at: now,
      actor: null,
      action: 'reprompted',
      fromState: 'acknowledged',
      toState: 'open',
      detail: { reason: `Cause persists ${minutes} minutes after acknowledgement (${a.severity}).` },
    },
    event: 'alert.updated',
  };
}

/** The shortest wait of any timer: episodes that changed less recently than this cannot be due. */
export function earliestTimerMinutes(policy: TimerPolicy): number {
  return Math.min(
    ...Object.values(policy.escalationMinutes),
    ...Object.values(policy.repromptMinutes),
    policy.careHomeAcknowledgeMinutes ?? DEFAULT_CARE_HOME_MINUTES,
  );
}
