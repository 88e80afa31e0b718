import type { AlertReason, Parameter } from '@vigil/contracts';
import type { AlertRecord } from '@vigil/alerting';

/** How an alert episode maps to its row: [record field, column, SQL type]. */
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
  ['reasons', 'reasons', 'jsonb'],
  ['band', 'band', 'text'],
  ['news2Total', 'news2_total', 'integer'],
  ['partial', 'partial', 'boolean'],
  ['triggeringParameters', 'triggering_parameters', 'text[]'],
  ['openedAt', 'opened_at', 'timestamptz'],
  ['updatedAt', 'updated_at', 'timestamptz'],
  ['attentionSince', 'attention_since', 'timestamptz'],
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
  ['tier', 'tier', 'text'],
  ['tierSince', 'tier_since', 'timestamptz'],
  ['tierActedAt', 'tier_acted_at', 'timestamptz'],
  ['ladder', 'ladder', 'jsonb'],
  ['outcome', 'outcome', 'text'],
];

const DATE_FIELDS = new Set(ALERT_COLUMNS.filter(([, , t]) => t === 'timestamptz').map(([k]) => k));

/** A query parameter for one field of a record, as its column's SQL type takes it. */
export function alertParam(record: AlertRecord, key: keyof AlertRecord, type: string): unknown {
  const v = record[key];
  // A missing field (a record built before issue 13's fields) is stored as NULL, never the text "undefined".
  if (v === undefined) return null;
  return type === 'jsonb' ? (v === null ? null : JSON.stringify(v)) : v;
}

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
  out['reasons'] = (row['reasons'] as AlertReason[] | null) ?? [];
  out['clearReadings'] = Number(row['clear_readings'] ?? 0);
  out['attentionSince'] = new Date((row['attention_since'] ?? row['opened_at']) as string | Date);
  return out as unknown as AlertRecord;
}
