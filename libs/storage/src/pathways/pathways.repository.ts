import type { PersonalThreshold } from '@vigil/alerting';
import type {
  DeviceReturnStatus,
  DischargeOutcome,
  MonitoringPlan,
  PlanChange,
  PlanMonitoring,
  TreatmentCeiling,
} from '@vigil/pathways';
import type { SqlClient } from '../timeseries/sql-client';

/** A patient's plan as stored, with who set it up and who changed it last. */
export interface StoredPlan {
  patientId: string;
  plan: MonitoringPlan;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface StoredDischarge {
  patientId: string;
  encounterId: string;
  outcome: DischargeOutcome;
  deviceReturn: DeviceReturnStatus;
  note: string;
  dischargedAt: Date;
  dischargedBy: string;
  summary: Record<string, unknown>;
}

/** An admitted patient of the ward view with what its schedule needs. */
export interface ScheduledPatientRow {
  patientId: string;
  wardId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  admittedAt: Date;
  plan: MonitoringPlan;
}

interface PlanRow {
  patient_id: string;
  plan: MonitoringPlan;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const toStored = (r: PlanRow): StoredPlan => ({
  patientId: r.patient_id,
  plan: r.plan,
  createdAt: new Date(r.created_at),
  createdBy: r.created_by,
  updatedAt: new Date(r.updated_at),
  updatedBy: r.updated_by,
});

/**
 * Monitoring plans, treatment ceilings and discharges (issue 13), as SQL only: what a plan is and how it
 * changes is `@vigil/pathways`'s decision. Every change writes its `patient_audit` row in the caller's
 * transaction, so a change never lands without its record.
 */
export class PathwaysRepository {
  /**
   * Stores a patient's plan (first applied or tailored) and projects it where alerting reads it:
   * `patients.monitoring` (schedules, tightening, trend rules, ladder), `pathway`, the thresholds and — when
   * the plan is first applied — the SpO2 scale of its template.
   */
  async savePlan(
    tx: SqlClient,
    patientId: string,
    plan: MonitoringPlan,
    monitoring: PlanMonitoring,
    thresholds: PersonalThreshold[],
    change: PlanChange,
  ): Promise<void> {
    const at = new Date(change.at);
    await tx.query(
      `INSERT INTO monitoring_plans (patient_id, template_id, template_version, plan, created_at, created_by, updated_at, updated_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $5, $6)
       ON CONFLICT (patient_id) DO UPDATE SET plan = EXCLUDED.plan, updated_at = EXCLUDED.updated_at,
         updated_by = EXCLUDED.updated_by`,
      [patientId, plan.templateId, plan.templateVersion, JSON.stringify(plan), at, change.by],
    );
    const scale = change.action === 'applied' ? plan.spo2Scale : null;
    await tx.query(
      `UPDATE patients SET monitoring = $2::jsonb, thresholds = $3::jsonb, pathway = $4,
         spo2_scale = coalesce($5::smallint, spo2_scale), updated_at = $6
       WHERE id = $1`,
      [patientId, JSON.stringify(monitoring), JSON.stringify(thresholds), plan.templateId, scale, at],
    );
    await this.audit(
      tx,
      patientId,
      change.action === 'applied' ? 'plan-applied' : 'plan-tailored',
      change.by,
      change.reason,
      at,
      {
        templateId: plan.templateId,
        templateVersion: plan.templateVersion,
        changes: change.changes,
      },
    );
  }

  async planOf(sql: SqlClient, patientId: string): Promise<StoredPlan | null> {
    const [row] = await sql.query<PlanRow>(
      `SELECT patient_id, plan, created_at, created_by, updated_at, updated_by FROM monitoring_plans WHERE patient_id = $1`,
      [patientId],
    );
    return row ? toStored(row) : null;
  }

  /** The plan of an admitted patient, row-locked for a change in this transaction. */
  async lockPlan(tx: SqlClient, patientId: string): Promise<StoredPlan | null> {
    const [row] = await tx.query<PlanRow>(
      `SELECT m.patient_id, m.plan, m.created_at, m.created_by, m.updated_at, m.updated_by
       FROM monitoring_plans m JOIN patients p ON p.id = m.patient_id AND p.discharged_at IS NULL
       WHERE m.patient_id = $1 FOR UPDATE OF m`,
      [patientId],
    );
    return row ? toStored(row) : null;
  }

  /** Admitted patients with a plan, in one ward or all the given wards. */
  async scheduledPatients(
    sql: SqlClient,
    wardIds: readonly string[] | 'all',
  ): Promise<ScheduledPatientRow[]> {
    const rows = await sql.query<{
      id: string;
      ward_id: string;
      given_name: string;
      family_name: string;
      nhs_number: string;
      admitted_at: Date;
      plan: MonitoringPlan;
    }>(
      `SELECT p.id, p.ward_id, p.given_name, p.family_name, p.nhs_number, p.admitted_at, m.plan
       FROM patients p JOIN monitoring_plans m ON m.patient_id = p.id
       WHERE p.discharged_at IS NULL AND ($1::uuid[] IS NULL OR p.ward_id = ANY($1::uuid[]))
       ORDER BY p.family_name, p.given_name`,
      [wardIds === 'all' ? null : [...wardIds]],
    );
    return rows.map((r) => ({
      patientId: r.id,
      wardId: r.ward_id,
      givenName: r.given_name,
      familyName: r.family_name,
      nhsNumber: r.nhs_number,
      admittedAt: new Date(r.admitted_at),
      plan: r.plan,
    }));
  }

  async setCeiling(
    tx: SqlClient,
    patientId: string,
    ceiling: TreatmentCeiling,
    reason: string,
  ): Promise<void> {
    const [before] = await tx.query<{ treatment_ceiling: TreatmentCeiling | null }>(
      `SELECT treatment_ceiling FROM patients WHERE id = $1`,
      [patientId],
    );
    await tx.query(`UPDATE patients SET treatment_ceiling = $2::jsonb, updated_at = $3 WHERE id = $1`, [
      patientId,
      JSON.stringify(ceiling),
      new Date(ceiling.recordedAt),
    ]);
    await this.audit(
      tx,
      patientId,
      'ceiling-recorded',
      ceiling.recordedBy,
      reason,
      new Date(ceiling.recordedAt),
      {
        from: before?.treatment_ceiling ?? null,
        to: ceiling,
      },
    );
  }

  /** The ceilings of these patients (absent: none recorded). */
  async ceilingsOf(sql: SqlClient, patientIds: readonly string[]): Promise<Map<string, TreatmentCeiling>> {
    if (patientIds.length === 0) return new Map();
    const rows = await sql.query<{ id: string; treatment_ceiling: TreatmentCeiling }>(
      `SELECT id, treatment_ceiling FROM patients WHERE id = ANY($1::uuid[]) AND treatment_ceiling IS NOT NULL`,
      [[...patientIds]],
    );
    return new Map(rows.map((r) => [r.id, r.treatment_ceiling]));
  }

  async recordDischarge(tx: SqlClient, d: StoredDischarge): Promise<void> {
    await tx.query(
      `INSERT INTO discharges (patient_id, encounter_id, outcome, device_return, note, discharged_at, discharged_by, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        d.patientId,
        d.encounterId,
        d.outcome,
        d.deviceReturn,
        d.note,
        d.dischargedAt,
        d.dischargedBy,
        JSON.stringify(d.summary),
      ],
    );
    await this.audit(tx, d.patientId, 'discharged', d.dischargedBy, d.note || d.outcome, d.dischargedAt, {
      outcome: d.outcome,
      deviceReturn: d.deviceReturn,
      encounterId: d.encounterId,
    });
  }

  async dischargeOf(sql: SqlClient, patientId: string): Promise<StoredDischarge | null> {
    const [r] = await sql.query<{
      patient_id: string;
      encounter_id: string;
      outcome: DischargeOutcome;
      device_return: DeviceReturnStatus;
      note: string;
      discharged_at: Date;
      discharged_by: string;
      summary: Record<string, unknown>;
    }>(`SELECT * FROM discharges WHERE patient_id = $1`, [patientId]);
    if (!r) return null;
    return {
      patientId: r.patient_id,
      encounterId: r.encounter_id,
      outcome: r.outcome,
      deviceReturn: r.device_return,
      note: r.note,
      dischargedAt: new Date(r.discharged_at),
      dischargedBy: r.discharged_by,
      summary: r.summary,
    };
  }

  private async audit(
    tx: SqlClient,
    patientId: string,
    action: string,
    actor: string,
    reason: string,
    at: Date,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO patient_audit (patient_id, at, actor, action, reason, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [patientId, at, actor, action, reason, JSON.stringify(detail)],
    );
  }
}
