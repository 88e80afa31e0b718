import { Controller, Get, Header, Param } from '@nestjs/common';
import {
  AlertsRepository,
  DeviceRegistryRepository,
  type DeviceEntity,
  ScoresRepository,
  SqlDatabase,
} from '@vigil/storage';
import { AccessService } from '../auth/access.service';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { UuidPipe } from '../common/zod.pipe';
import { buildPatientEverythingBundle, FhirExportError } from '../fhir/fhir-export';
import type { Bundle } from '../fhir/fhir-types';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';

/** Readings may be timestamped a little ahead of the server clock (device skew): look past "now". */
const FUTURE_MARGIN_MS = 24 * 3_600_000;

@Controller('fhir')
export class FhirController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly access: AccessService,
    private readonly reads: ConsoleReadsRepository,
    private readonly scores: ScoresRepository,
    private readonly alerts: AlertsRepository,
    private readonly registry: DeviceRegistryRepository,
  ) {}

  /** FHIR R4 (UK Core) Bundle of one patient's whole admission: readings, NEWS2 scores, alerts. */
  @Get('Patient/:id/\\$everything')
  @Roles('clinician', 'admin')
  @Header('Content-Type', 'application/fhir+json; charset=utf-8')
  async everything(
    @CurrentUser() me: Principal,
    @Param('id', new UuidPipe('patient')) id: string,
  ): Promise<Bundle> {
    const patient = await this.access.requirePatient(me, id, 'read');
    const from = patient.admittedAt;
    const to = new Date((patient.dischargedAt ?? new Date()).getTime() + FUTURE_MARGIN_MS);
    const observations = await this.reads.observationsForExport(this.db, id, from, to);
    const scores = await this.scores.listForPatient(this.db, id, from, to);
    const alerts = await this.alerts.listForPatient(this.db, id);
    const alertAudit = [];
    for (const a of alerts) alertAudit.push(...(await this.alerts.listAudit(this.db, a.id)));
    const deviceIds = new Set(observations.map((o) => o.deviceId).filter((d): d is string => d !== null));
    for (const b of await this.registry.bindingsOfPatient(id)) deviceIds.add(b.deviceId);
    const devices: DeviceEntity[] = [];
    for (const d of deviceIds) {
      const device = await this.registry.findDevice(d);
      if (device) devices.push(device);
    }
    try {
      return buildPatientEverythingBundle({ patient, observations, scores, alerts, alertAudit, devices });
    } catch (error) {
      if (error instanceof FhirExportError) {
        throw new ApiError(
          500,
          'export-failed',
          'the record could not be exported as FHIR; nothing was sent',
        );
      }
      throw error;
    }
  }
}
