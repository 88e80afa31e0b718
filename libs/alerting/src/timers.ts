import {
  type AlertAuditEntry,
  type AlertChanges,
  type AlertRecord,
  alertEvent,
  isSnoozed,
} from './alert-record';
import { CARE_HOME_DESTINATION, VIRTUAL_WARD_DESTINATION } from './episodes';
import type { AlertingPolicy } from './policy';
import { reEscalation, TIER_LABELS } from '@vigil/pathways';

type TimerPolicy = Pick<AlertingPolicy, 'escalationMinutes' | 'repromptMinutes'> &
  Partial<Pick<AlertingPolicy, 'careHomeAcknowledgeMinutes'>>;

const MINUTE = 60_000;

/**
 * The timers' decisions on unresolved episodes at `now` (pure; the scorer runs them under a lock):
 * - an open alert nobody has acknowledged escalates to the CCC once it has waited its severity's limit
 *   since it last asked for attention — clinical, overdue-reading and technical alike (R13); a snooze
 *   pauses this, but never for a new event or a worsening, which break the snooze (R3);
 * - issue 13: an alert opened under a plan's escalation ladder moves up a tier when its tier has not acted
 *   (acknowledged) within the tier's response-time target — nurse → clinician → CCC → urgent response —
 *   instead of the one per-severity escalation to the CCC;
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
        : a.ladder
          ? (tierEscalation(a, now) ?? reprompt(a, now, policy))
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

/**
 * Whether the current tier acted: someone acknowledged the alert, took ownership of it or escalated it
 * since the tier was asked (a coordinator taking ownership is the CCC acting).
 */
export function tierActed(
  a: Pick<AlertRecord, 'acknowledgedAt' | 'tierSince' | 'state'> & Partial<Pick<AlertRecord, 'tierActedAt'>>,
): boolean {
  if (a.state === 'acknowledged' || a.state === 'resolved') return true;
  if (a.tierSince === null) return false;
  const since = a.tierSince;
  return [a.acknowledgedAt, a.tierActedAt ?? null].some((t) => t !== null && t >= since);
}

function tierEscalation(a: AlertRecord, now: Date): TimerChange | null {
  if (!a.ladder || !a.tier || !a.tierSince) return null;
  if ((a.state !== 'open' && a.state !== 'escalated') || isSnoozed(a, now)) return null;
  const next = reEscalation(a.ladder, a.tier, a.tierSince, tierActed(a), now);
  if (!next) return null;
  const minutes = a.ladder.find((t) => t.tier === a.tier)?.responseMinutes ?? 0;
  const reason =
    `${TIER_LABELS[a.tier]} did not act within the ${minutes}-minute response target: ` +
    `re-escalated to ${TIER_LABELS[next.tier]}.`;
  const record: AlertRecord = {
    ...a,
    state: 'escalated',
    tier: next.tier,
    tierSince: now,
    attentionSince: now,
    updatedAt: now,
    escalatedAt: a.escalatedAt ?? now,
    escalatedBy: null,
    escalationReason: reason,
    escalationDestination: next.tier,
  };
  return {
    record,
    audit: {
      alertId: a.id,
      at: now,
      actor: null,
      action: 're-escalated',
      fromState: a.state,
      toState: 'escalated',
      detail: { reason, fromTier: a.tier, toTier: next.tier, targetMinutes: minutes },
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
    // Under a plan's ladder, the virtual ward's first tier is asked now, on its own target.
    tierSince: a.ladder ? now : a.tierSince,
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
  const record: AlertRecord = {
    ...a,
    state: 'open',
    attentionSince: now,
    updatedAt: now,
    // The tier that acknowledged must act again, on its own target.
    tierSince: a.ladder ? now : a.tierSince,
  };
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
  // Ladders allow 1-minute targets; alerts under one are taken as candidates by their tier's own target (storage).
  return Math.min(
    ...Object.values(policy.escalationMinutes),
    ...Object.values(policy.repromptMinutes),
    policy.careHomeAcknowledgeMinutes ?? DEFAULT_CARE_HOME_MINUTES,
  );
}
