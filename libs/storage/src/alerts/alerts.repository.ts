import { randomUUID } from 'node:crypto';
import type { AlertEvent, AlertEventType, AlertSeverity, AlertState } from '@vigil/contracts';
import type { SqlClient, SqlDatabase } from '../timeseries/sql-client';
import { ALERT_COLUMNS, alertFromRow, type AlertRecord, toAlertSummary } from './alert-record';

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

export class AlertTransitionError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-transition' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'AlertTransitionError';
  }
}

/** Which states each state may move to (SPEC §4). `resolved` is final; a new episode starts afresh. */
const TRANSITIONS: Readonly<Record<AlertState, readonly AlertState[]>> = {
  open: ['acknowledged', 'escalated', 'resolved'],
  acknowledged: ['escalated', 'resolved'],
  escalated: ['acknowledged', 'resolved'],
  resolved: [],
};

export function canTransition(from: AlertState, to: AlertState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Creates the record of a new episode with every bookkeeping field at its start value. */
export function newAlertRecord(
  fields: Pick<
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
  > & { at: Date },
): AlertRecord {
  const { at, ...rest } = fields;
  return {
    ...rest,
    id: randomUUID(),
    state: 'open',
    openedAt: at,
    updatedAt: at,
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
  };
}

export function alertEvent(
  type: AlertEventType,
  alert: AlertRecord,
  at: Date,
  actor: string | null,
): AlertEvent {
  return { type, alert: toAlertSummary(alert), at: at.toISOString(), actor };
}

const COLUMN_LIST = ALERT_COLUMNS.map(([, c]) => c).join(', ');
const UPDATE_LIST = ALERT_COLUMNS.filter(([k]) => k !== 'id')
  .map(([, c]) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * Alert episodes and their audit trail. Every state change writes its audit row in the same
 * transaction: if the audit insert fails, the change is rolled back with it (HZ-15).
 */
export class AlertsRepository {
  /** The unresolved episodes of these patients, locked for this transaction (the API may race us). */
  async lockOpenEpisodes(tx: SqlClient, patientIds: readonly string[]): Promise<AlertRecord[]> {
    if (patientIds.length === 0) return [];
    const rows = await tx.query(
      `SELECT ${COLUMN_LIST} FROM alerts WHERE patient_id = ANY($1::uuid[]) AND state <> 'resolved'
       ORDER BY id FOR UPDATE`,
      [patientIds],
    );
    return rows.map(alertFromRow);
  }

  /**
   * Inserts or updates episodes in one statement. Order matters: an episode being resolved must come
   * before a new episode of the same (patient, rule, subject), or the open-episode index refuses it.
   */
  async save(tx: SqlClient, records: readonly AlertRecord[]): Promise<void> {
    if (records.length === 0) return;
    const params: unknown[] = [];
    const tuples = records.map((r) => {
      const placeholders = ALERT_COLUMNS.map(([key, , type]) => `$${params.push(r[key])}::${type}`);
      return `(${placeholders.join(', ')})`;
    });
    await tx.query(
      `INSERT INTO alerts (${COLUMN_LIST}) VALUES ${tuples.join(', ')}
       ON CONFLICT (id) DO UPDATE SET ${UPDATE_LIST}`,
      params,
    );
  }

  async audit(tx: SqlClient, entries: readonly AlertAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const params: unknown[] = [];
    const tuples = entries.map((e) => {
      const values = [
        e.alertId,
        e.at,
        e.actor,
        e.action,
        e.fromState,
        e.toState,
        JSON.stringify(e.detail ?? {}),
      ];
      const base = params.length;
      params.push(...values);
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}::jsonb)`;
    });
    await tx.query(
      `INSERT INTO alert_audit (alert_id, at, actor, action, from_state, to_state, detail) VALUES ${tuples.join(', ')}`,
      params,
    );
  }

  async findById(sql: SqlClient, id: string): Promise<AlertRecord | null> {
    const [row] = await sql.query(`SELECT ${COLUMN_LIST} FROM alerts WHERE id = $1`, [id]);
    return row ? alertFromRow(row) : null;
  }

  async listForPatient(sql: SqlClient, patientId: string): Promise<AlertRecord[]> {
    const rows = await sql.query(
      `SELECT ${COLUMN_LIST} FROM alerts WHERE patient_id = $1 ORDER BY opened_at, id`,
      [patientId],
    );
    return rows.map(alertFromRow);
  }

  async listAudit(sql: SqlClient, alertId: string): Promise<AlertAuditEntry[]> {
    const rows = await sql.query<{
      alert_id: string;
      at: Date;
      actor: string | null;
      action: string;
      from_state: AlertState | null;
      to_state: AlertState;
      detail: Record<string, unknown>;
    }>(
      `SELECT alert_id, at, actor, action, from_state, to_state, detail FROM alert_audit WHERE alert_id = $1 ORDER BY id`,
      [alertId],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      at: new Date(r.at),
      actor: r.actor,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      detail: r.detail,
    }));
  }

  /** Acknowledge: the nurse has seen it. Assigns it to them unless already assigned. */
  async acknowledge(
    db: SqlDatabase,
    input: { alertId: string; actor: string; at: Date },
  ): Promise<AlertEvent> {
    return this.transition(db, input.alertId, input.actor, input.at, 'alert.acknowledged', (a) => {
      this.requireTransition(a, 'acknowledged');
      return {
        ...a,
        state: 'acknowledged',
        acknowledgedAt: input.at,
        acknowledgedBy: input.actor,
        assignedTo: a.assignedTo ?? input.actor,
      };
    });
  }

  /** Assign (or take ownership, e.g. a CCC coordinator); state unchanged. */
  async assign(
    db: SqlDatabase,
    input: { alertId: string; actor: string; assignee: string | null; at: Date },
  ): Promise<AlertEvent> {
    return this.transition(db, input.alertId, input.actor, input.at, 'alert.assigned', (a) => {
      if (a.state === 'resolved') throw new AlertTransitionError('invalid-transition', 'alert is resolved');
      return { ...a, assignedTo: input.assignee };
    });
  }

  /** Escalate to the CCC with a reason and destination. */
  async escalate(
    db: SqlDatabase,
    input: { alertId: string; actor: string; at: Date; reason: string; destination?: string },
  ): Promise<AlertEvent> {
    if (!input.reason.trim()) throw new AlertTransitionError('invalid', 'an escalation needs a reason');
    return this.transition(db, input.alertId, input.actor, input.at, 'alert.escalated', (a) => {
      this.requireTransition(a, 'escalated');
      return {
        ...a,
        state: 'escalated',
        escalatedAt: input.at,
        escalatedBy: input.actor,
        escalationReason: input.reason,
        escalationDestination: input.destination ?? 'ccc',
      };
    });
  }

  /** Resolve: a note is required (also enforced by a CHECK constraint). */
  async resolve(
    db: SqlDatabase,
    input: { alertId: string; actor: string; at: Date; note: string },
  ): Promise<AlertEvent> {
    if (!input.note.trim()) throw new AlertTransitionError('invalid', 'resolving an alert needs a note');
    return this.transition(db, input.alertId, input.actor, input.at, 'alert.resolved', (a) => {
      this.requireTransition(a, 'resolved');
      return {
        ...a,
        state: 'resolved',
        resolvedAt: input.at,
        resolvedBy: input.actor,
        resolutionNote: input.note,
      };
    });
  }

  /**
   * Snooze one episode (one patient and rule) until `until`. Other rules of the same patient are
   * untouched; the snooze breaks when the severity worsens (HZ-10).
   */
  async snooze(
    db: SqlDatabase,
    input: { alertId: string; actor: string; at: Date; until: Date },
  ): Promise<AlertEvent> {
    if (input.until <= input.at) throw new AlertTransitionError('invalid', 'snooze must end in the future');
    return this.transition(db, input.alertId, input.actor, input.at, 'alert.snoozed', (a) => {
      if (a.state === 'resolved') throw new AlertTransitionError('invalid-transition', 'alert is resolved');
      return { ...a, snoozedUntil: input.until, snoozedBy: input.actor, snoozeSeverity: a.severity };
    });
  }

  /**
   * Timer: escalates open (unacknowledged, not snoozed) clinical alerts older than their severity's
   * limit. `SKIP LOCKED` lets several scorer instances run it at once without double-firing.
   */
  async escalateUnacknowledged(
    db: SqlDatabase,
    now: Date,
    minutesBySeverity: Partial<Record<AlertSeverity, number>>,
  ): Promise<AlertEvent[]> {
    return db.transaction(async (tx) => {
      const rows = await tx.query(
        `SELECT ${COLUMN_LIST} FROM alerts
         WHERE state = 'open' AND kind = 'clinical'
           AND ($3::jsonb ? severity)
           AND opened_at + make_interval(mins => ($3::jsonb ->> severity)::int) <= $1
           AND (snoozed_until IS NULL OR snoozed_until <= $1)
         ORDER BY opened_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, 500, JSON.stringify(minutesBySeverity)],
      );
      const before = rows.map(alertFromRow);
      const after = before.map((a) => ({
        ...a,
        state: 'escalated' as const,
        updatedAt: now,
        escalatedAt: now,
        escalatedBy: null,
        escalationReason: `Not acknowledged within ${minutesBySeverity[a.severity]} minutes (${a.severity}).`,
        escalationDestination: 'ccc',
      }));
      await this.save(tx, after);
      await this.audit(
        tx,
        after.map((a) => ({
          alertId: a.id,
          at: now,
          actor: null,
          action: 'escalated-by-timer',
          fromState: 'open' as const,
          toState: 'escalated' as const,
          detail: { reason: a.escalationReason },
        })),
      );
      return after.map((a) => alertEvent('alert.escalated', a, now, null));
    });
  }

  private requireTransition(a: AlertRecord, to: AlertState): void {
    if (!canTransition(a.state, to)) {
      throw new AlertTransitionError('invalid-transition', `cannot move an alert from ${a.state} to ${to}`);
    }
  }

  private async transition(
    db: SqlDatabase,
    alertId: string,
    actor: string,
    at: Date,
    type: AlertEventType,
    change: (a: AlertRecord) => AlertRecord,
  ): Promise<AlertEvent> {
    return db.transaction(async (tx) => {
      const [row] = await tx.query(`SELECT ${COLUMN_LIST} FROM alerts WHERE id = $1 FOR UPDATE`, [alertId]);
      if (!row) throw new AlertTransitionError('not-found', `alert ${alertId} not found`);
      const before = alertFromRow(row);
      const after = { ...change(before), updatedAt: at };
      await this.save(tx, [after]);
      await this.audit(tx, [
        {
          alertId,
          at,
          actor,
          action: type.replace(/^alert\./, ''),
          fromState: before.state,
          toState: after.state,
          detail: auditDetail(before, after),
        },
      ]);
      return alertEvent(type, after, at, actor);
    });
  }
}

/** The fields a transition changed, old and new, for the audit row's `detail`. */
function auditDetail(before: AlertRecord, after: AlertRecord): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key] of ALERT_COLUMNS) {
    if (key === 'updatedAt') continue;
    const a = before[key];
    const b = after[key];
    const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
    if (!same) changed[key] = { from: a, to: b };
  }
  return changed;
}
