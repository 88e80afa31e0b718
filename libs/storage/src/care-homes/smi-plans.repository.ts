import type { SqlClient } from '../timeseries/sql-client';

export interface SmiPlanRecord {
  patientId: string;
  wardId: string;
  givenName: string;
  familyName: string;
  intervalDays: number;
  graceHours: number;
  coordinatorName: string;
  coordinatorContact: string;
  coordinatorUserId: string | null;
  startedAt: Date;
  /** The newest questionnaire the patient (or someone for them) sent. */
  lastCheckInAt: Date | null;
  /** The due date of the newest missed check-in already escalated. */
  lastEscalatedDueAt: Date | null;
}

export interface MissedCheckInRecord {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  dueAt: Date;
  escalatedAt: Date;
  coordinatorName: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

/** The SMI physical-health plan (issue 14 §3) and its missed check-ins for the named care coordinator. */
export class SmiPlansRepository {
  async setPlan(
    sql: SqlClient,
    input: {
      patientId: string;
      intervalDays: number;
      graceHours: number;
      coordinatorName: string;
      coordinatorContact: string;
      coordinatorUserId: string | null;
      by: string;
      now: Date;
    },
  ): Promise<void> {
    await sql.query(
      `INSERT INTO smi_plans (patient_id, interval_days, grace_hours, coordinator_name, coordinator_contact,
         coordinator_user_id, started_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (patient_id) DO UPDATE SET interval_days = EXCLUDED.interval_days, grace_hours = EXCLUDED.grace_hours,
         coordinator_name = EXCLUDED.coordinator_name, coordinator_contact = EXCLUDED.coordinator_contact,
         coordinator_user_id = EXCLUDED.coordinator_user_id, created_by = EXCLUDED.created_by`,
      [
        input.patientId,
        input.intervalDays,
        input.graceHours,
        input.coordinatorName,
        input.coordinatorContact,
        input.coordinatorUserId,
        input.now,
        input.by,
      ],
    );
  }

  /** Plans of admitted patients (one patient, or all), with their last check-in and last escalation. */
  async plans(sql: SqlClient, patientId?: string): Promise<SmiPlanRecord[]> {
    const rows = await sql.query<{
      patient_id: string;
      ward_id: string;
      given_name: string;
      family_name: string;
      interval_days: number;
      grace_hours: number;
      coordinator_name: string;
      coordinator_contact: string;
      coordinator_user_id: string | null;
      started_at: Date;
      last_check_in_at: Date | null;
      last_escalated_due_at: Date | null;
    }>(
      `SELECT s.patient_id, p.ward_id, p.given_name, p.family_name, s.interval_days, s.grace_hours, s.coordinator_name,
              s.coordinator_contact, s.coordinator_user_id, s.started_at,
              (SELECT max(a.answered_at) FROM reported_answers a WHERE a.patient_id = s.patient_id) AS last_check_in_at,
              (SELECT max(m.due_at) FROM smi_missed_check_ins m WHERE m.patient_id = s.patient_id) AS last_escalated_due_at
       FROM smi_plans s JOIN patients p ON p.id = s.patient_id
       WHERE p.discharged_at IS NULL AND ($1::uuid IS NULL OR s.patient_id = $1::uuid)
       ORDER BY s.patient_id`,
      [patientId ?? null],
    );
    return rows.map((r) => ({
      patientId: r.patient_id,
      wardId: r.ward_id,
      givenName: r.given_name,
      familyName: r.family_name,
      intervalDays: Number(r.interval_days),
      graceHours: Number(r.grace_hours),
      coordinatorName: r.coordinator_name,
      coordinatorContact: r.coordinator_contact,
      coordinatorUserId: r.coordinator_user_id,
      startedAt: new Date(r.started_at),
      lastCheckInAt: r.last_check_in_at ? new Date(r.last_check_in_at) : null,
      lastEscalatedDueAt: r.last_escalated_due_at ? new Date(r.last_escalated_due_at) : null,
    }));
  }

  /** Records a missed check-in once per due date; true when this call recorded it. */
  async recordMissed(
    sql: SqlClient,
    input: { patientId: string; dueAt: Date; coordinatorName: string; now: Date },
  ): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO smi_missed_check_ins (patient_id, due_at, escalated_at, coordinator_name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (patient_id, due_at) DO NOTHING RETURNING id`,
      [input.patientId, input.dueAt, input.now, input.coordinatorName],
    );
    return rows.length > 0;
  }

  /** Missed check-ins not yet acknowledged, for coordinators (all, or those named for one user). */
  async openMissed(sql: SqlClient, coordinatorUserId?: string): Promise<MissedCheckInRecord[]> {
    const rows = await sql.query<{
      id: string;
      patient_id: string;
      given_name: string;
      family_name: string;
      due_at: Date;
      escalated_at: Date;
      coordinator_name: string;
      acknowledged_at: Date | null;
      acknowledged_by: string | null;
    }>(
      `SELECT m.id, m.patient_id, p.given_name, p.family_name, m.due_at, m.escalated_at, m.coordinator_name,
              m.acknowledged_at, m.acknowledged_by
       FROM smi_missed_check_ins m JOIN smi_plans s ON s.patient_id = m.patient_id JOIN patients p ON p.id = m.patient_id
       WHERE m.acknowledged_at IS NULL AND ($1::uuid IS NULL OR s.coordinator_user_id = $1::uuid)
       ORDER BY m.escalated_at`,
      [coordinatorUserId ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      givenName: r.given_name,
      familyName: r.family_name,
      dueAt: new Date(r.due_at),
      escalatedAt: new Date(r.escalated_at),
      coordinatorName: r.coordinator_name,
      acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at) : null,
      acknowledgedBy: r.acknowledged_by,
    }));
  }

  async acknowledgeMissed(sql: SqlClient, id: string, by: string, now: Date): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `UPDATE smi_missed_check_ins SET acknowledged_at = $3, acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL
       RETURNING id`,
      [id, by, now],
    );
    return rows.length > 0;
  }

  /** Whether this transaction got the SMI timer's advisory lock (one instance runs it at a time). */
  async tryTimerLock(tx: SqlClient): Promise<boolean> {
    const [r] = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('vigil:smi-check-ins')) AS locked`,
    );
    return Boolean(r?.locked);
  }
}
