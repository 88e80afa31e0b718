import { isValidNhsNumber, normaliseNhsNumber } from '@vigil/clinical';
import { type DataSource, type Repository } from 'typeorm';
import { RegistryError } from './device-registry.repository';
import { type MonitoringSchedule, PatientEntity, type PersonalThreshold } from './patient.entity';
import { WardEntity } from './ward.entity';

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
    await this.dataSource.transaction(async (m) => {
      const result = await m.query(
        `UPDATE patients SET discharged_at = $2, updated_at = now() WHERE id = $1 AND discharged_at IS NULL`,
        [patientId, at],
      );
      if (!result[1]) throw new RegistryError('not-found', 'no admitted patient with this id');
      await m.query(
        `UPDATE device_bindings SET valid_to = GREATEST($2, valid_from + interval '1 millisecond'), unbound_by = $3
         WHERE patient_id = $1 AND valid_to IS NULL`,
        [patientId, at, by ?? null],
      );
    });
  }

  findPatient(id: string): Promise<PatientEntity | null> {
    return this.patients.findOneBy({ id });
  }

  listAdmitted(wardId?: string): Promise<PatientEntity[]> {
    const qb = this.patients.createQueryBuilder('p').where('p.dischargedAt IS NULL');
    if (wardId) qb.andWhere('p.wardId = :wardId', { wardId });
    return qb.orderBy('p.familyName', 'ASC').getMany();
  }

  async setSpo2Scale(patientId: string, scale: 1 | 2): Promise<void> {
    await this.patients.update({ id: patientId }, { spo2Scale: scale, updatedAt: new Date() });
  }

  async setThresholds(patientId: string, thresholds: PersonalThreshold[]): Promise<void> {
    await this.patients.update({ id: patientId }, { thresholds, updatedAt: new Date() });
  }

  async setMonitoring(patientId: string, monitoring: MonitoringSchedule): Promise<void> {
    await this.patients.update({ id: patientId }, { monitoring, updatedAt: new Date() });
  }
}
