import { Injectable } from '@nestjs/common';
import { type PatientEntity, PatientsRepository, SqlDatabase } from '@vigil/storage';
import { ApiError } from '../common/api-error';
import {
  type AlertWithContext,
  ConsoleReadsRepository,
  type WardScope,
} from '../read-model/console-reads.repository';
import { hasWard, type Principal } from './principal';

/**
 * Record-level authorisation, server-side, for every route that touches patient data. Out-of-scope
 * records answer 404 exactly like missing ones.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly db: SqlDatabase,
    private readonly patients: PatientsRepository,
    private readonly reads: ConsoleReadsRepository,
  ) {}

  /** The wards whose patients and alerts the caller may read in full. Coordinators: none (CCC only). */
  wardScope(p: Principal): WardScope {
    if (p.role === 'admin') return 'all';
    if (p.role === 'coordinator' || p.role === 'care-home') return [];
    return p.wardIds;
  }

  requireWard(p: Principal, wardId: string): void {
    if (!hasWard(p, wardId)) throw ApiError.forbidden('this ward is not one of yours');
  }

  /**
   * The patient when the caller may see them: their ward, or (coordinators, reading only) a patient
   * with an unresolved escalated alert.
   */
  async requirePatient(p: Principal, patientId: string, mode: 'read' | 'write'): Promise<PatientEntity> {
    const patient = await this.patients.findPatient(patientId);
    if (!patient) throw ApiError.notFound('patient');
    if (hasWard(p, patient.wardId)) return patient;
    if (
      p.role === 'coordinator' &&
      mode === 'read' &&
      (await this.reads.hasEscalatedAlert(this.db, patientId))
    ) {
      return patient;
    }
    throw ApiError.notFound('patient');
  }

  /** The alert when the caller may see it: their ward's alerts; coordinators those that went to the CCC. */
  async requireAlert(p: Principal, alertId: string): Promise<AlertWithContext> {
    const [found] = await this.reads.alerts(this.db, {
      wards: p.role === 'coordinator' ? 'all' : this.wardScope(p),
      escalatedOnly: p.role === 'coordinator',
      states: [],
      alertId,
    });
    if (!found) throw ApiError.notFound('alert');
    return found;
  }
}
