import type { AlertAuditEntry, AlertRecord } from '@vigil/alerting';
import type { AlertState } from '@vigil/contracts';
import type { SqlClient } from '../timeseries/sql-client';
import { ALERT_COLUMNS, alertFromRow, alertParam } from './alert-record';

const COLUMN_LIST = ALERT_COLUMNS.map(([, c]) => c).join(', ');
const UPDATE_LIST = ALERT_COLUMNS.filter(([k]) => k !== 'id')
  .map(([, c]) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * Alert episodes and their audit trail, as SQL only: what changes and why is `@vigil/alerting`'s
 * decision. Callers save a change and its audit rows in one transaction: if the audit insert fails, the
 * change is rolled back with it (HZ-15).
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
      const placeholders = ALERT_COLUMNS.map(
        ([key, , type]) => `$${params.push(alertParam(r, key, type))}::${type}`,
      );
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

  /** One episode, locked for this transaction (a person's action on it); null when there is none. */
  async lockById(tx: SqlClient, id: string): Promise<AlertRecord | null> {
    const [row] = await tx.query(`SELECT ${COLUMN_LIST} FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
    return row ? alertFromRow(row) : null;
  }

  /** Every unresolved episode of one patient, locked (discharge, R14). */
  async lockUnresolvedOfPatient(tx: SqlClient, patientId: string): Promise<AlertRecord[]> {
    return this.lockOpenEpisodes(tx, [patientId]);
  }

  /**
   * Episodes the timers may act on, locked: those a timer could change at `now` — an open alert (not under a
   * ladder, or waiting for a care home) that has asked for attention for at least `minMinutes`; an acknowledged
   * one whose cause persists, acknowledged at least `minMinutes` ago (R5); and one under a ladder whose tier
   * has not acted and whose tier's response target has passed, below the ladder's top. Which of them are due is
   * alerting's decision (`decideTimers`); this only never leaves out one that may be. Alerts no timer can change
   * (acknowledged with the cause cleared, at the top of the ladder, owned by their tier) are not candidates:
   * were they, enough of them would fill every `limit` and starve the alerts that are due (HZ-21). `SKIP
   * LOCKED` lets several scorer instances run the timers at once without double-firing.
   */
  async lockTimerCandidates(
    tx: SqlClient,
    now: Date,
    minMinutes: number,
    limit = 500,
  ): Promise<AlertRecord[]> {
    const rows = await tx.query(
      `SELECT ${COLUMN_LIST} FROM alerts
       WHERE (state = 'open' AND (ladder IS NULL OR escalation_destination = 'care-home')
              AND attention_since + make_interval(mins => $2) <= $1)
          OR (state = 'acknowledged' AND condition_active
              AND coalesce(acknowledged_at, attention_since) + make_interval(mins => $2) <= $1)
          -- Tiered alerts (issue 13): each tier has its own target, some shorter than any policy timer.
          OR (ladder IS NOT NULL AND state IN ('open', 'escalated')
              AND tier IS DISTINCT FROM ladder->-1->>'tier'
              AND coalesce(acknowledged_at, '-infinity') < tier_since
              AND coalesce(tier_acted_at, '-infinity') < tier_since
              AND tier_since + make_interval(mins => (
                    SELECT (t->>'responseMinutes')::int FROM jsonb_array_elements(ladder) t
                     WHERE t->>'tier' = alerts.tier LIMIT 1)) <= $1)
       ORDER BY attention_since LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [now, minMinutes, limit],
    );
    return rows.map(alertFromRow);
  }
}
