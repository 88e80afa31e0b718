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

export interface SmiContactRecord {
  at: Date;
  by: string;
  byName: string | null;
  outcome: string;
  note: string;
}

export interface MissedCheckInRecord {
  id: string;
  patientId: string;
  wardId: string;
  givenName: string;
  familyName: string;
  dueAt: Date;
  escalatedAt: Date;
  graceHours: number;
  coordinatorName: string;
  coordinatorContact: string;
  coordinatorUserId: string | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  lastCheckInAt: Date | null;
  /** The newest contact recorded about any of the patient's missed check-ins. */
  lastContact: SmiContactRecord | null;
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

  /** Records a missed check-in once per due date; its id when this call recorded it, else null. */
  async recordMissed(
    sql: SqlClient,
    input: { patientId: string; dueAt: Date; coordinatorName: string; now: Date },
  ): Promise<string | null> {
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO smi_missed_check_ins (patient_id, due_at, escalated_at, coordinator_name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (patient_id, due_at) DO NOTHING RETURNING id`,
      [input.patientId, input.dueAt, input.now, input.coordinatorName],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Missed check-ins not yet closed (all, those named for one user, or one by id), with the plan's coordinator,
   * the patient's last check-in and the newest contact recorded about them.
   */
  async openMissed(
    sql: SqlClient,
    filter: { coordinatorUserId?: string; id?: string } = {},
  ): Promise<MissedCheckInRecord[]> {
    const rows = await sql.query<{
      id: string;
      patient_id: string;
      ward_id: string;
      given_name: string;
      family_name: string;
      due_at: Date;
      escalated_at: Date;
      grace_hours: number;
      coordinator_name: string;
      coordinator_contact: string;
      coordinator_user_id: string | null;
      acknowledged_at: Date | null;
      acknowledged_by: string | null;
      last_check_in_at: Date | null;
      contact_at: Date | null;
      contact_by: string | null;
      contact_by_name: string | null;
      contact_outcome: string | null;
      contact_note: string | null;
    }>(
      `SELECT m.id, m.patient_id, p.ward_id, p.given_name, p.family_name, m.due_at, m.escalated_at, s.grace_hours,
              m.coordinator_name, s.coordinator_contact, s.coordinator_user_id, m.acknowledged_at, m.acknowledged_by,
              (SELECT max(a.answered_at) FROM reported_answers a WHERE a.patient_id = m.patient_id) AS last_check_in_at,
              c.at AS contact_at, c.recorded_by AS contact_by, u.display_name AS contact_by_name,
              c.outcome AS contact_outcome, c.note AS contact_note
       FROM smi_missed_check_ins m JOIN smi_plans s ON s.patient_id = m.patient_id JOIN patients p ON p.id = m.patient_id
       LEFT JOIN LATERAL (
         SELECT x.at, x.recorded_by, x.outcome, x.note FROM smi_contacts x WHERE x.patient_id = m.patient_id
         ORDER BY x.at DESC, x.id DESC LIMIT 1
       ) c ON true
       LEFT JOIN users u ON u.id::text = c.recorded_by
       WHERE m.acknowledged_at IS NULL AND p.discharged_at IS NULL
         AND ($1::uuid IS NULL OR s.coordinator_user_id = $1::uuid) AND ($2::uuid IS NULL OR m.id = $2::uuid)
       ORDER BY m.escalated_at`,
      [filter.coordinatorUserId ?? null, filter.id ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      wardId: r.ward_id,
      givenName: r.given_name,
      familyName: r.family_name,
      dueAt: new Date(r.due_at),
      escalatedAt: new Date(r.escalated_at),
      graceHours: Number(r.grace_hours),
      coordinatorName: r.coordinator_name,
      coordinatorContact: r.coordinator_contact,
      coordinatorUserId: r.coordinator_user_id,
      acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at) : null,
      acknowledgedBy: r.acknowledged_by,
      lastCheckInAt: r.last_check_in_at ? new Date(r.last_check_in_at) : null,
      lastContact:
        r.contact_at && r.contact_by && r.contact_outcome
          ? {
              at: new Date(r.contact_at),
              by: r.contact_by,
              byName: r.contact_by_name,
              outcome: r.contact_outcome,
              note: r.contact_note ?? '',
            }
          : null,
    }));
  }

  /**
   * Records a coordinator's contact (or attempt) about a missed check-in with its `patient_audit` row, and
   * closes the missed check-in when `closes` — all in the caller's transaction.
   */
  async recordContact(
    tx: SqlClient,
    input: {
      missedCheckInId: string;
      patientId: string;
      at: Date;
      by: string;
      outcome: string;
      note: string;
      closes: boolean;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO smi_contacts (missed_check_in_id, patient_id, at, recorded_by, outcome, note)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [input.missedCheckInId, input.patientId, input.at, input.by, input.outcome, input.note],
    );
    await tx.query(
      `INSERT INTO patient_audit (patient_id, at, actor, action, reason, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        input.patientId,
        input.at,
        input.by,
        'smi-contact-recorded',
        // The audit's reason may not be empty: the note, else what came of it.
        input.note.trim() || `Missed check-in contact: ${input.outcome}`,
        JSON.stringify({
          missedCheckInId: input.missedCheckInId,
          outcome: input.outcome,
          closed: input.closes,
        }),
      ],
    );
    if (input.closes) await this.acknowledgeMissed(tx, input.missedCheckInId, input.by, input.at);
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
