import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  type AdmitPatientRequest,
  admitPatientRequestSchema,
  type AlertView,
  type HourlyObservationView,
  type ManualObservationAccepted,
  type ManualObservationRequest,
  manualObservationRequestSchema,
  type MonitoringRequest,
  monitoringRequestSchema,
  type ObservationView,
  type OxygenPrescriptionRequest,
  oxygenPrescriptionRequestSchema,
  type PatientDetail,
  type PatientSummary,
  patientsQuerySchema,
  type ScoreView,
  type Spo2ScaleRequest,
  spo2ScaleRequestSchema,
  type ThresholdsRequest,
  thresholdsRequestSchema,
  type TimeRangeQuery,
  timeRangeQuerySchema,
} from '@vigil/contracts';
import { AlertsService } from '../alerts/alerts.service';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ALL_ROLES, type Principal } from '../auth/principal';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { PatientsService } from './patients.service';

const PatientId = new UuidPipe('patient');

@Controller('patients')
export class PatientsController {
  constructor(
    private readonly patients: PatientsService,
    private readonly alerts: AlertsService,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
  list(
    @CurrentUser() me: Principal,
    @Query(new ZodPipe(patientsQuerySchema)) q: { wardId?: string },
  ): Promise<PatientSummary[]> {
    return this.patients.list(me, q.wardId);
  }

  @Post()
  @Roles('clinician', 'admin')
  admit(
    @CurrentUser() me: Principal,
    @Body(new ZodPipe(admitPatientRequestSchema)) body: AdmitPatientRequest,
  ): Promise<PatientDetail> {
    return this.patients.admit(me, body);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  detail(@CurrentUser() me: Principal, @Param('id', PatientId) id: string): Promise<PatientDetail> {
    return this.patients.detail(me, id);
  }

  // R9: scale and oxygen prescription are clinical decisions: clinicians only, never admins.
  @Put(':id/spo2-scale')
  @Roles('clinician')
  spo2Scale(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(spo2ScaleRequestSchema)) body: Spo2ScaleRequest,
  ): Promise<PatientDetail> {
    return this.patients.setSpo2Scale(me, id, body.scale, body.reason);
  }

  @Put(':id/oxygen-prescription')
  @Roles('clinician')
  oxygenPrescription(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(oxygenPrescriptionRequestSchema)) body: OxygenPrescriptionRequest,
  ): Promise<PatientDetail> {
    return this.patients.setOxygenPrescription(me, id, body);
  }

  @Put(':id/thresholds')
  @Roles('clinician')
  thresholds(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(thresholdsRequestSchema)) body: ThresholdsRequest,
  ): Promise<PatientDetail> {
    return this.patients.setThresholds(me, id, body);
  }

  @Put(':id/monitoring')
  @Roles('clinician')
  monitoring(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(monitoringRequestSchema)) body: MonitoringRequest,
  ): Promise<PatientDetail> {
    return this.patients.setMonitoring(me, id, body);
  }

  @Get(':id/observations')
  @Roles(...ALL_ROLES)
  observations(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Query(new ZodPipe(timeRangeQuerySchema)) q: TimeRangeQuery,
  ): Promise<ObservationView[]> {
    return this.patients.observationsOf(me, id, q);
  }

  @Get(':id/observations/hourly')
  @Roles(...ALL_ROLES)
  hourly(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Query(new ZodPipe(timeRangeQuerySchema)) q: TimeRangeQuery,
  ): Promise<HourlyObservationView[]> {
    return this.patients.hourlyOf(me, id, q);
  }

  @Post(':id/observations')
  @Roles('nurse', 'clinician')
  @HttpCode(202)
  recordObservation(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(manualObservationRequestSchema)) body: ManualObservationRequest,
  ): Promise<ManualObservationAccepted> {
    return this.patients.recordManual(me, id, body);
  }

  @Get(':id/scores')
  @Roles(...ALL_ROLES)
  scores(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Query(new ZodPipe(timeRangeQuerySchema)) q: TimeRangeQuery,
  ): Promise<ScoreView[]> {
    return this.patients.scoresOf(me, id, q);
  }

  @Get(':id/alerts')
  @Roles(...ALL_ROLES)
  alertHistory(@CurrentUser() me: Principal, @Param('id', PatientId) id: string): Promise<AlertView[]> {
    return this.alerts.historyOfPatient(me, id);
  }
}
