import type {
  AlertEvent,
  AlertEventType,
  AlertKind,
  AlertReason,
  AlertSeverity,
  AlertState,
  AlertSummary,
  Parameter,
  RuleId,
} from '@vigil/contracts';

import type { AlertOutcome, EscalationTier, TierTarget } from '@vigil/pathways';

type Band = NonNullable<AlertSummary['band']>;

/** An alert episode: the contract's summary plus the bookkeeping hysteresis, snooze and timers need. */
export interface AlertRecord {
  id: string;
  patientId: string;
  wardId: string;
  ruleId: RuleId;
  ruleVersion: number;
  /** '' for patient-level rules; the device id for device rules; the parameter for implausible readings. */
  subject: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  reason: string;
  /** Every rule behind the alert; `severity` is the highest of theirs. */
  reasons: AlertReason[];
  band: Band | null;
  news2Total: number | null;
  partial: boolean;
  triggeringParameters: Parameter[];
  openedAt: Date;
  updatedAt: Date;
  /** When it last asked for a person's attention (opened, reopened, re-prompted); escalation counts from here. */
  attentionSince: Date;
  lastObservationAt: Date | null;
  /** False once the condition has cleared; the episode then closes only after the hysteresis period. */
  conditionActive: boolean;
  clearSince: Date | null;
  clearReadings: number;
  assignedTo: string | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  escalatedAt: Date | null;
  escalatedBy: string | null;
  escalationReason: string | null;
  escalationDestination: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  snoozedUntil: Date | null;
  snoozedBy: string | null;
  /** Severity when snoozed: a worse one breaks the snooze. */
  snoozeSeverity: AlertSeverity | null;
  /** Tiered escalation (issue 13): the tier that must act now; null for alerts without a plan's ladder. */
  tier: EscalationTier | null;
  /** When the current tier was asked to act; its response-time target counts from here. */
  tierSince: Date | null;
  /** When a person last acted at a tier (acknowledged, took ownership, escalated); stops that tier's clock. */
  tierActedAt: Date | null;
  /** The plan's ladder when the alert opened (a later plan change applies to new alerts). */
  ladder: TierTarget[] | null;
  /** What came of it, recorded when a person resolves it. */
  outcome: AlertOutcome | null;
}

/** One row of the audit trail: who did what to an alert, when, from which state to which. */
export interface AlertAuditEntry {
  alertId: string;
  at: Date;
  /** User id; null for the rules engine and its timers. */
  actor: string | null;
  action: string;
  fromState: AlertState | null;
  toState: AlertState;
  detail?: Record<string, unknown>;
}

/** What one decision changed: records to save, audit rows to write with them, events to publish after. */
export interface AlertChanges {
  save: AlertRecord[];
  audits: AlertAuditEntry[];
  events: AlertEvent[];
}

export type NewAlertFields = Pick<
  AlertRecord,
  | 'patientId'
  | 'wardId'
  | 'ruleId'
  | 'ruleVersion'
  | 'subject'
  | 'kind'
  | 'severity'
  | 'reason'
  | 'band'
  | 'news2Total'
  | 'partial'
  | 'triggeringParameters'
  | 'lastObservationAt'
> & { at: Date; id?: string; reasons?: AlertReason[] };

/** The record of a new episode with every bookkeeping field at its start value. */
export function newAlertRecord(fields: NewAlertFields): AlertRecord {
  const { at, id, reasons, ...rest } = fields;
  return {
    ...rest,
    reasons: reasons ?? [],
    id: id ?? globalThis.crypto.randomUUID(),
    state: 'open',
    openedAt: at,
    updatedAt: at,
    attentionSince: at,
    conditionActive: true,
    clearSince: null,
    clearReadings: 0,
    assignedTo: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalatedAt: null,
    escalatedBy: null,
    escalationReason: null,
    escalationDestination: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    snoozedUntil: null,
    snoozedBy: null,
    snoozeSeverity: null,
    tier: null,
    tierSince: null,
    tierActedAt: null,
    ladder: null,
    outcome: null,
  };
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The contract view of an episode (`alertSummarySchema`). */
export function toAlertSummary(a: AlertRecord): AlertSummary {
  return {
    id: a.id,
    patientId: a.patientId,
    wardId: a.wardId,
    ruleId: a.ruleId,
    ruleVersion: a.ruleVersion,
    kind: a.kind,
    severity: a.severity,
    state: a.state,
    reason: a.reason,
    reasons: a.reasons,
    band: a.band,
    news2Total: a.news2Total,
    partial: a.partial,
    triggeringParameters: a.triggeringParameters,
    openedAt: a.openedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    attentionSince: a.attentionSince.toISOString(),
    lastObservationAt: iso(a.lastObservationAt),
    assignedTo: a.assignedTo,
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    escalatedAt: iso(a.escalatedAt),
    escalationReason: a.escalationReason,
    resolvedAt: iso(a.resolvedAt),
    resolutionNote: a.resolutionNote,
    snoozedUntil: iso(a.snoozedUntil),
    tier: a.tier,
    tierSince: iso(a.tierSince),
    tierTargetMinutes:
      a.tier && a.ladder ? (a.ladder.find((t) => t.tier === a.tier)?.responseMinutes ?? null) : null,
    nextTier: nextTierOf(a),
    outcome: a.outcome,
  };
}

function nextTierOf(a: AlertRecord): EscalationTier | null {
  if (!a.tier || !a.ladder) return null;
  const i = a.ladder.findIndex((t) => t.tier === a.tier);
  return i >= 0 && i + 1 < a.ladder.length ? a.ladder[i + 1].tier : null;
}

/** The `alerts.events` message for a change to an episode. */
export function alertEvent(
  type: AlertEventType,
  alert: AlertRecord,
  at: Date,
  actor: string | null,
): AlertEvent {
  return { type, alert: toAlertSummary(alert), at: at.toISOString(), actor };
}

/** Whether a snooze is in force at `now`. */
export function isSnoozed(a: Pick<AlertRecord, 'snoozedUntil'>, now: Date): boolean {
  return a.snoozedUntil !== null && a.snoozedUntil > now;
}

/** The fields a change touched, old and new, for an audit row's `detail`. */
export function changedFields(before: AlertRecord, after: AlertRecord): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof AlertRecord)[]) {
    if (key === 'updatedAt') continue;
    const a = before[key];
    const b = after[key];
    const same =
      a instanceof Date && b instanceof Date
        ? a.getTime() === b.getTime()
        : JSON.stringify(a) === JSON.stringify(b);
    if (!same) changed[key] = { from: a, to: b };
  }
  return changed;
}
