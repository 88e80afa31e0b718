import type { AlertKind, AlertSeverity, AlertState, AlertSummary, Parameter, RuleId } from '@vigil/contracts';

type Band = NonNullable<AlertSummary['band']>;

/** An alert episode as stored: the contract's summary plus the bookkeeping hysteresis and snooze need. */
export interface AlertRecord {
  id: string;
  patientId: string;
  wardId: string;
  ruleId: RuleId;
  ruleVersion: number;
  /** '' for patient-level rules; the device id for device rules. */
  subject: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  reason: string;
  band: Band | null;
  news2Total: number | null;
  partial: boolean;
  triggeringParameters: Parameter[];
  openedAt: Date;
  updatedAt: Date;
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
}

export const ALERT_COLUMNS: readonly (readonly [keyof AlertRecord, string, string])[] = [
  ['id', 'id', 'uuid'],
  ['patientId', 'patient_id', 'uuid'],
  ['wardId', 'ward_id', 'uuid'],
  ['ruleId', 'rule_id', 'text'],
  ['ruleVersion', 'rule_version', 'integer'],
  ['subject', 'subject', 'text'],
  ['kind', 'kind', 'text'],
  ['severity', 'severity', 'text'],
  ['state', 'state', 'text'],
  ['reason', 'reason', 'text'],
  ['band', 'band', 'text'],
  ['news2Total', 'news2_total', 'integer'],
  ['partial', 'partial', 'boolean'],
  ['triggeringParameters', 'triggering_parameters', 'text[]'],
  ['openedAt', 'opened_at', 'timestamptz'],
  ['updatedAt', 'updated_at', 'timestamptz'],
  ['lastObservationAt', 'last_observation_at', 'timestamptz'],
  ['conditionActive', 'condition_active', 'boolean'],
  ['clearSince', 'clear_since', 'timestamptz'],
  ['clearReadings', 'clear_readings', 'integer'],
  ['assignedTo', 'assigned_to', 'text'],
  ['acknowledgedAt', 'acknowledged_at', 'timestamptz'],
  ['acknowledgedBy', 'acknowledged_by', 'text'],
  ['escalatedAt', 'escalated_at', 'timestamptz'],
  ['escalatedBy', 'escalated_by', 'text'],
  ['escalationReason', 'escalation_reason', 'text'],
  ['escalationDestination', 'escalation_destination', 'text'],
  ['resolvedAt', 'resolved_at', 'timestamptz'],
  ['resolvedBy', 'resolved_by', 'text'],
  ['resolutionNote', 'resolution_note', 'text'],
  ['snoozedUntil', 'snoozed_until', 'timestamptz'],
  ['snoozedBy', 'snoozed_by', 'text'],
  ['snoozeSeverity', 'snooze_severity', 'text'],
];

const DATE_FIELDS = new Set(ALERT_COLUMNS.filter(([, , t]) => t === 'timestamptz').map(([k]) => k));

export function alertFromRow(row: Record<string, unknown>): AlertRecord {
  const out: Record<string, unknown> = {};
  for (const [key, column, type] of ALERT_COLUMNS) {
    const v = row[column];
    if (v === null || v === undefined) out[key] = null;
    else if (DATE_FIELDS.has(key)) out[key] = new Date(v as string | Date);
    else if (type === 'integer') out[key] = Number(v);
    else out[key] = v;
  }
  out['triggeringParameters'] = (row['triggering_parameters'] as Parameter[] | null) ?? [];
  out['clearReadings'] = Number(row['clear_readings'] ?? 0);
  return out as unknown as AlertRecord;
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
    band: a.band,
    news2Total: a.news2Total,
    partial: a.partial,
    triggeringParameters: a.triggeringParameters,
    openedAt: a.openedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    lastObservationAt: iso(a.lastObservationAt),
    assignedTo: a.assignedTo,
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    escalatedAt: iso(a.escalatedAt),
    escalationReason: a.escalationReason,
    resolvedAt: iso(a.resolvedAt),
    resolutionNote: a.resolutionNote,
    snoozedUntil: iso(a.snoozedUntil),
  };
}
