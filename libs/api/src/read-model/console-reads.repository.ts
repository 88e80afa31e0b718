import {
  ALERT_SEVERITIES,
  type AlertKind,
  type AlertPatientRef,
  type AlertState,
  type AuditEntry,
  type ObservationView,
  type Parameter,
} from '@vigil/contracts';
import type { AlertRecord } from '@vigil/alerting';
import { ALERT_COLUMNS, alertFromRow, type SqlClient } from '@vigil/storage';

/** Which wards a query may read: every ward, or a list (possibly empty). */
export type WardScope = 'all' | readonly string[];

export interface AlertFilter {
  wards: WardScope;
  /** Coordinators: only alerts that went to the CCC. */
  escalatedOnly: boolean;
  states: readonly AlertState[];
  kind?: AlertKind;
  patientId?: string;
  alertId?: string;
  limit?: number;
  /** Keyset cursor from a previous page (`alertsPage`). */
  after?: AlertCursor;
}

/** Where a page of alerts ended, in their order: severity rank, then opened_at, then id. */
export interface AlertCursor {
  rank: number;
  openedAt: Date;
  id: string;
}

export class InvalidAlertCursorError extends Error {}

export function encodeAlertCursor(c: AlertCursor): string {
  return Buffer.from(`${c.rank}|${c.openedAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeAlertCursor(cursor: string): AlertCursor {
  const [rank, at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const openedAt = new Date(at ?? '');
  if (!/^\d+$/.test(rank ?? '') || Number.isNaN(openedAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) {
    throw new InvalidAlertCursorError('cursor: not a cursor this list returned');
  }
  return { rank: Number(rank), openedAt, id: id as string };
}

export interface ExportObservation {
  observationId: string;
  patientId: string;
  parameter: Parameter;
  value: number;
  valueCode: string | null;
  measuredAt: Date;
  receivedAt: Date;
  retrospective: boolean;
  deviceId: string | null;
  mdc: string | null;
}

export interface AlertWithContext {
  alert: AlertRecord;
  patient: AlertPatientRef | null;
  wardName: string;
}

const ALERT_SELECT = ALERT_COLUMNS.map(([, c]) => `a.${c}`).join(', ');

/** The WHERE of an alert query, its parameters, and the parameter number of the severity order. */
function alertWhere(filter: AlertFilter): { where: string[]; params: unknown[]; severities: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.wards !== 'all') where.push(`a.ward_id = ANY($${params.push([...filter.wards])}::uuid[])`);
  if (filter.escalatedOnly) where.push(`a.escalated_at IS NOT NULL`);
  if (filter.states.length > 0) where.push(`a.state = ANY($${params.push([...filter.states])}::text[])`);
  if (filter.kind) where.push(`a.kind = $${params.push(filter.kind)}`);
  if (filter.patientId) where.push(`a.patient_id = $${params.push(filter.patientId)}::uuid`);
  if (filter.alertId) where.push(`a.id = $${params.push(filter.alertId)}::uuid`);
  // Issue 14: a care-home resident's fall is the home's until it times out to the virtual ward; queues
  // (not a patient's history, not one alert asked for by id) leave it out until then.
  if (!filter.alertId && !filter.patientId)
    where.push(`a.escalation_destination IS DISTINCT FROM 'care-home'`);
  const severities = params.push([...ALERT_SEVERITIES]);
  if (filter.after) {
    const { rank, openedAt, id } = filter.after;
    where.push(
      `(array_position($${severities}::text[], a.severity), a.opened_at, a.id) > ` +
        `($${params.push(rank)}::int, $${params.push(openedAt)}::timestamptz, $${params.push(id)}::uuid)`,
    );
  }
  return { where, params, severities };
}

/**
 * The console's read side: joins the storage repositories do not offer (alerts with patient and ward,
 * latest scores per patient, observations with their source, audit across alerts). Reads only; every
 * write goes through the storage repositories.
 */
export class ConsoleReadsRepository {
  async alerts(sql: SqlClient, filter: AlertFilter): Promise<AlertWithContext[]> {
    const { where, params, severities } = alertWhere(filter);
    const limit = Math.min(Math.max(filter.limit ?? 500, 1), 2001);
    const rows = await sql.query(
      `SELECT ${ALERT_SELECT}, p.given_name AS p_given_name, p.family_name AS p_family_name,
              p.nhs_number AS p_nhs_number, p.id AS p_id, w.name AS w_name
       FROM alerts a
       LEFT JOIN patients p ON p.id = a.patient_id
       LEFT JOIN wards w ON w.id = a.ward_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY array_position($${severities}::text[], a.severity), a.opened_at, a.id
       LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      alert: alertFromRow(r),
      patient:
        r['p_id'] === null || r['p_id'] === undefined
          ? null
          : {
              id: r['p_id'] as string,
              givenName: r['p_given_name'] as string,
              familyName: r['p_family_name'] as string,
              nhsNumber: r['p_nhs_number'] as string,
            },
      wardName: (r['w_name'] as string | null) ?? '',
    }));
  }

  /**
   * One page of alerts in triage order (severity, then oldest first), and the cursor of the next page
   * (null on the last): keyset paging, so alerts opening meanwhile never shift a page.
   */
  async alertsPage(
    sql: SqlClient,
    filter: AlertFilter & { limit: number },
  ): Promise<{ items: AlertWithContext[]; nextCursor: string | null }> {
    const rows = await this.alerts(sql, { ...filter, limit: filter.limit + 1 });
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > filter.limit && last
        ? encodeAlertCursor({
            rank: ALERT_SEVERITIES.indexOf(last.alert.severity) + 1,
            openedAt: last.alert.openedAt,
            id: last.alert.id,
          })
        : null;
    return { items, nextCursor };
  }

  /** How many alerts the filter matches in all (its `after` and `limit` aside): a queue's "N of M". */
  async countAlerts(sql: SqlClient, filter: AlertFilter): Promise<number> {
    const { where, params, severities } = alertWhere({ ...filter, after: undefined });
    // Without `after` the severity order is the last parameter, and a count has no order to use it in.
    const [row] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM alerts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params.slice(0, severities - 1),
    );
    return Number(row?.n ?? 0);
  }

  /** True when the patient has an unresolved alert that went to the CCC (coordinator visibility). */
  async hasEscalatedAlert(sql: SqlClient, patientId: string): Promise<boolean> {
    const rows = await sql.query(
      `SELECT 1 FROM alerts WHERE patient_id = $1 AND escalated_at IS NOT NULL AND state <> 'resolved' LIMIT 1`,
      [patientId],
    );
    return rows.length > 0;
  }

  async escalatedPatientIds(sql: SqlClient): Promise<string[]> {
    const rows = await sql.query<{ patient_id: string }>(
      `SELECT DISTINCT patient_id FROM alerts WHERE escalated_at IS NOT NULL AND state <> 'resolved'`,
    );
    return rows.map((r) => r.patient_id);
  }

  /** A patient's observations in [from, to), oldest first, with source and arrival time. */
  async observations(
    sql: SqlClient,
    patientId: string,
    from: Date,
    to: Date,
    parameter?: Parameter,
  ): Promise<ObservationView[]> {
    const params: unknown[] = [patientId, from, to];
    const rows = await sql.query<{
      id: string;
      parameter: string;
      value: number;
      value_code: string | null;
      unit: string;
      measured_at: Date;
      received_at: Date;
      retrospective: boolean;
      source: string;
    }>(
      `SELECT id, parameter, value, value_code, unit, measured_at, received_at, retrospective, source
       FROM observations
       WHERE patient_id = $1 AND measured_at >= $2 AND measured_at < $3
         ${parameter ? `AND parameter = $${params.push(parameter)}` : ''}
       ORDER BY measured_at, id LIMIT 20000`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      parameter: r.parameter,
      value: Number(r.value),
      valueCode: r.value_code,
      unit: r.unit,
      measuredAt: new Date(r.measured_at).toISOString(),
      receivedAt: new Date(r.received_at).toISOString(),
      retrospective: r.retrospective,
      source: r.source,
    }));
  }

  /** Every observation of a patient in [from, to) with device and MDC code, for the FHIR export. */
  async observationsForExport(
    sql: SqlClient,
    patientId: string,
    from: Date,
    to: Date,
  ): Promise<ExportObservation[]> {
    const rows = await sql.query<{
      id: string;
      parameter: Parameter;
      value: number;
      value_code: string | null;
      measured_at: Date;
      received_at: Date;
      retrospective: boolean;
      device_id: string | null;
      mdc: string | null;
    }>(
      `SELECT id, parameter, value, value_code, measured_at, received_at, retrospective, device_id, mdc
       FROM observations WHERE patient_id = $1 AND measured_at >= $2 AND measured_at < $3
       ORDER BY measured_at, id LIMIT 200000`,
      [patientId, from, to],
    );
    return rows.map((r) => ({
      observationId: r.id,
      patientId,
      parameter: r.parameter,
      value: Number(r.value),
      valueCode: r.value_code,
      measuredAt: new Date(r.measured_at),
      receivedAt: new Date(r.received_at),
      retrospective: r.retrospective,
      deviceId: r.device_id,
      mdc: r.mdc,
    }));
  }

  /** Audit rows, newest first, limited to alerts of the wards in scope. */
  async audit(
    sql: SqlClient,
    filter: { wards: WardScope; alertId?: string; limit?: number },
  ): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.wards !== 'all') where.push(`a.ward_id = ANY($${params.push([...filter.wards])}::uuid[])`);
    if (filter.alertId) where.push(`t.alert_id = $${params.push(filter.alertId)}::uuid`);
    const limit = Math.min(Math.max(filter.limit ?? 500, 1), 5000);
    const rows = await sql.query<{
      alert_id: string;
      at: Date;
      actor: string | null;
      action: string;
      from_state: string | null;
      to_state: string;
      detail: Record<string, unknown>;
    }>(
      `SELECT t.alert_id, t.at, t.actor, t.action, t.from_state, t.to_state, t.detail
       FROM alert_audit t JOIN alerts a ON a.id = t.alert_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.at DESC, t.id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      detail: r.detail,
    }));
  }

  async ping(sql: SqlClient): Promise<void> {
    await sql.query(`SELECT 1`);
  }
}
