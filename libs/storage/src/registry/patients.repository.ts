import type { OxygenPrescription } from '@vigil/alerting';
import { isValidNhsNumber, normaliseNhsNumber } from '@vigil/clinical';
import { type DataSource, type Repository } from 'typeorm';
import { SqlDatabase, type SqlClient } from '../timeseries/sql-client';
import { RegistryError } from './device-registry.repository';
import { type MonitoringSchedule, PatientEntity, type PersonalThreshold } from './patient.entity';
import { WardEntity } from './ward.entity';

/** Who changed a patient's clinical settings, when and why (R9); written with the change. */
export interface PatientAuditInput {
  actor: string;
  reason: string;
  at: Date;
}

export interface PatientAuditEntry extends PatientAuditInput {
  patientId: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface AdmitPatientInput {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  wardId: string;
  dateOfBirth?: string;
  spo2Scale?: 1 | 2;
  pathway?: string;
  monitoring?: MonitoringSchedule;
}

export class PatientsRepository {
  private readonly patients: Repository<PatientEntity>;
  private readonly wards: Repository<WardEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.patients = dataSource.getRepository(PatientEntity);
    this.wards = dataSource.getRepository(WardEntity);
  }

  async createWard(name: string): Promise<WardEntity> {
    const existing = await this.wards.findOneBy({ name });
    if (existing) throw new RegistryError('conflict', `ward "${name}" already exists`);
    const inserted = await this.wards.insert({ name });
    return this.wards.findOneByOrFail({ id: inserted.identifiers[0].id as string });
  }

  listWards(): Promise<WardEntity[]> {
    return this.wards.find({ order: { name: 'ASC' } });
  }

  /** Admits a patient to a virtual ward. The NHS number must pass the Modulus 11 check. */
  async admit(input: AdmitPatientInput): Promise<PatientEntity> {
    if (!isValidNhsNumber(input.nhsNumber)) {
      throw new RegistryError(
        'invalid',
        'NHS number fails validation (10 digits with a valid Modulus 11 check digit)',
      );
    }
    const nhsNumber = normaliseNhsNumber(input.nhsNumber);
    const already = await this.patients
      .createQueryBuilder('p')
      .where('p.nhsNumber = :nhsNumber AND p.dischargedAt IS NULL', { nhsNumber })
      .getExists();
    if (already) throw new RegistryError('conflict', 'a patient with this NHS number is already admitted');
    const inserted = await this.patients.insert({
      nhsNumber,
      givenName: input.givenName,
      familyName: input.familyName,
      wardId: input.wardId,
      dateOfBirth: input.dateOfBirth ?? null,
      spo2Scale: input.spo2Scale ?? 1,
      pathway: input.pathway ?? 'general',
      monitoring: input.monitoring ?? {},
      thresholds: [],
    });
    return this.patients.findOneByOrFail({ id: inserted.identifiers[0].id as string });
  }

  /** Discharges a patient and ends every open device binding at the same instant, in one transaction. */
  async discharge(patientId: string, at: Date = new Date(), by?: string): Promise<void> {
    await new SqlDatabase(this.dataSource).transaction((tx) => this.dischargeIn(tx, patientId, at, by));
  }

  /**
   * The discharge inside the caller's transaction, so work that must commit with it (handing over the
   * patient's open alerts, R14) does.
   */
  async dischargeIn(tx: SqlClient, patientId: string, at: Date, by?: string): Promise<void> {
    const updated = await tx.query(
      `WITH u AS (
         UPDATE patients SET discharged_at = $2, updated_at = now() WHERE id = $1 AND discharged_at IS NULL
         RETURNING id
       ) SELECT id FROM u`,
      [patientId, at],
    );
    if (updated.length === 0) throw new RegistryError('not-found', 'no admitted patient with this id');
    await tx.query(
      `UPDATE device_bindings SET valid_to = GREATEST($2, valid_from + interval '1 millisecond'), unbound_by = $3
       WHERE patient_id = $1 AND valid_to IS NULL`,
      [patientId, at, by ?? null],
    );
  }

  /**
   * Locks an admitted patient's row for this transaction, so a discharge and a clinical-settings change
   * cannot interleave. Null when there is no admitted patient with this id.
   */
  async lockAdmitted(tx: SqlClient, patientId: string): Promise<{ id: string } | null> {
    const [row] = await tx.query<{ id: string }>(
      `SELECT id FROM patients WHERE id = $1 AND discharged_at IS NULL FOR UPDATE`,
      [patientId],
    );
    return row ?? null;
  }

  findPatient(id: string): Promise<PatientEntity | null> {
    return this.patients.findOneBy({ id });
  }

  listAdmitted(wardId?: string): Promise<PatientEntity[]> {
    const qb = this.patients.createQueryBuilder('p').where('p.dischargedAt IS NULL');
    if (wardId) qb.andWhere('p.wardId = :wardId', { wardId });
    return qb.orderBy('p.familyName', 'ASC').getMany();
  }

  /**
   * Sets the SpO2 scale and writes its audit row (from, to, who, why) in one transaction (R9): the
   * change never lands without its record, nor the record without the change.
   */
  async setSpo2Scale(patientId: string, scale: 1 | 2, audit: PatientAuditInput): Promise<void> {
    await new SqlDatabase(this.dataSource).transaction(async (tx) => {
      const [before] = await tx.query<{ spo2_scale: number }>(
        `SELECT spo2_scale FROM patients WHERE id = $1 AND discharged_at IS NULL FOR UPDATE`,
        [patientId],
      );
      if (!before) throw new RegistryError('not-found', 'no admitted patient with this id');
      await tx.query(`UPDATE patients SET spo2_scale = $2, updated_at = $3 WHERE id = $1`, [
        patientId,
        scale,
        audit.at,
      ]);
      await this.insertAudit(tx, patientId, 'spo2-scale-set', audit, {
        from: Number(before.spo2_scale),
        to: scale,
      });
    });
  }

  /**
   * Records the patient's oxygen prescription (N1) and its audit row in one transaction. The stored
   * prescription carries who set it and when: scoring compares that time with air-or-oxygen readings.
   */
  async setOxygenPrescription(
    patientId: string,
    onOxygen: boolean,
    audit: PatientAuditInput,
  ): Promise<OxygenPrescription> {
    const prescription: OxygenPrescription = {
      onOxygen,
      reason: audit.reason,
      setBy: audit.actor,
      setAt: audit.at.toISOString(),
    };
    await new SqlDatabase(this.dataSource).transaction(async (tx) => {
      const [before] = await tx.query<{ oxygen_prescription: OxygenPrescription | null }>(
        `SELECT oxygen_prescription FROM patients WHERE id = $1 AND discharged_at IS NULL FOR UPDATE`,
        [patientId],
      );
      if (!before) throw new RegistryError('not-found', 'no admitted patient with this id');
      await tx.query(`UPDATE patients SET oxygen_prescription = $2::jsonb, updated_at = $3 WHERE id = $1`, [
        patientId,
        JSON.stringify(prescription),
        audit.at,
      ]);
      const from = before.oxygen_prescription;
      await this.insertAudit(tx, patientId, 'oxygen-prescription-set', audit, {
        from: from ? { onOxygen: from.onOxygen } : null,
        to: { onOxygen },
      });
    });
    return prescription;
  }

  /** A patient's audit trail, oldest first. */
  async listAudit(patientId: string): Promise<PatientAuditEntry[]> {
    const rows = await new SqlDatabase(this.dataSource).query<{
      patient_id: string;
      at: Date;
      actor: string;
      action: string;
      reason: string;
      detail: Record<string, unknown>;
    }>(
      `SELECT patient_id, at, actor, action, reason, detail FROM patient_audit WHERE patient_id = $1 ORDER BY at, id`,
      [patientId],
    );
    return rows.map((r) => ({
      patientId: r.patient_id,
      at: new Date(r.at),
      actor: r.actor,
      action: r.action,
      reason: r.reason,
      detail: r.detail,
    }));
  }

  private async insertAudit(
    tx: SqlClient,
    patientId: string,
    action: string,
    audit: PatientAuditInput,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO patient_audit (patient_id, at, actor, action, reason, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [patientId, audit.at, audit.actor, action, audit.reason, JSON.stringify(detail)],
    );
  }

  async setThresholds(patientId: string, thresholds: PersonalThreshold[]): Promise<void> {
    await this.patients.update({ id: patientId }, { thresholds, updatedAt: new Date() });
  }

  async setMonitoring(patientId: string, monitoring: MonitoringSchedule): Promise<void> {
    await this.patients.update({ id: patientId }, { monitoring, updatedAt: new Date() });
  }
}
