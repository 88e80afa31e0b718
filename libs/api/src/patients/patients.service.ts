import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AdmitPatientRequest,
  type HourlyObservationView,
  type ManualObservationAccepted,
  type ManualObservationRequest,
  MAX_FUTURE_SKEW_MS,
  type MonitoringRequest,
  type OxygenPrescriptionRequest,
  type Parameter,
  PARAMETER_DEFINITIONS,
  type PatientDetail,
  type PatientSummary,
  type ScoreView,
  streamTopics,
  type ThresholdsRequest,
  type TimeRangeQuery,
} from '@vigil/contracts';
import {
  DeviceRegistryRepository,
  ObservationsRepository,
  PathwaysRepository,
  type PatientEntity,
  PatientsRepository,
  ScoresRepository,
  SqlDatabase,
} from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import { API_STREAM } from '../api.options';
import { AlertsService } from '../alerts/alerts.service';
import { AccessService } from '../auth/access.service';
import { hasWard, type Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';
import { PathwaysService } from '../pathways/pathways.service';
import { templateOf } from '@vigil/pathways';
import { manualObservationEvents } from './manual-observation';

/** How far back "latest" looks for the summary: older values are not current by any pathway. */
const LATEST_LOOKBACK_MS = 7 * 24 * 3_600_000;
const DEFAULT_RANGE_MS = 24 * 3_600_000;
const MAX_RANGE_MS = 93 * 24 * 3_600_000;

const TREND_PARAMETERS: readonly Parameter[] = [
  'heartRate',
  'spo2',
  'respiratoryRate',
  'temperature',
  'systolicBp',
  'diastolicBp',
];

export function timeRange(q: TimeRangeQuery, now = new Date()): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw ApiError.invalid('the time range can span at most 93 days', [
      { path: 'from', message: 'at most 93 days before to' },
    ]);
  }
  return { from, to };
}

@Injectable()
export class PatientsService {
  constructor(
    private readonly db: SqlDatabase,
    private readonly patients: PatientsRepository,
    private readonly devices: DeviceRegistryRepository,
    private readonly observations: ObservationsRepository,
    private readonly scores: ScoresRepository,
    private readonly reads: ConsoleReadsRepository,
    private readonly access: AccessService,
    private readonly alerts: AlertsService,
    private readonly pathways: PathwaysService,
    private readonly pathwayPlans: PathwaysRepository,
    @Inject(API_STREAM) private readonly stream: StreamPort,
  ) {}

  async list(p: Principal, wardId: string | undefined): Promise<PatientSummary[]> {
    if (wardId && p.role !== 'coordinator') this.access.requireWard(p, wardId);
    let admitted: PatientEntity[];
    if (p.role === 'coordinator') {
      const ids = new Set(await this.reads.escalatedPatientIds(this.db));
      admitted = (await this.patients.listAdmitted(wardId)).filter((x) => ids.has(x.id));
    } else if (wardId) {
      admitted = await this.patients.listAdmitted(wardId);
    } else {
      admitted = (await this.patients.listAdmitted()).filter((x) => hasWard(p, x.wardId));
    }
    return this.summaries(admitted);
  }

  async detail(p: Principal, id: string): Promise<PatientDetail> {
    const patient = await this.access.requirePatient(p, id, 'read');
    const [summary] = await this.summaries([patient]);
    const bindings = (await this.devices.bindingsOfPatient(id)).filter((b) => b.validTo === null);
    const devices = [];
    for (const b of bindings) {
      const d = await this.devices.findDevice(b.deviceId);
      if (!d) continue;
      devices.push({
        id: d.id,
        kind: d.kind,
        battery: d.battery,
        lastSeenAt: d.lastSeenAt ? d.lastSeenAt.toISOString() : null,
        boundFrom: b.validFrom.toISOString(),
      });
    }
    return {
      ...summary,
      thresholds: patient.thresholds,
      monitoring: patient.monitoring,
      devices,
      oxygenPrescription: patient.oxygenPrescription ?? null,
    };
  }

  async admit(p: Principal, body: AdmitPatientRequest): Promise<PatientDetail> {
    const wards = await this.patients.listWards();
    if (!wards.some((w) => w.id === body.wardId))
      throw ApiError.invalid('unknown ward', [{ path: 'wardId', message: 'no such ward' }]);
    this.access.requireWard(p, body.wardId);
    const template = body.templateId ? templateOf(body.templateId) : null;
    const patient = await this.patients.admit({
      ...body,
      ...(template ? { pathway: template.id, spo2Scale: body.spo2Scale ?? template.spo2Scale } : {}),
    });
    // Issue 13: admission on a template applies its plan (audited) right away.
    if (template) await this.pathways.applyTemplate(p, patient.id, template.id);
    return this.detail(p, patient.id);
  }

  /** R9: clinicians only (the controller), with a reason; audited with the change. */
  async setSpo2Scale(p: Principal, id: string, scale: 1 | 2, reason: string): Promise<PatientDetail> {
    await this.requireAdmitted(p, id);
    await this.patients.setSpo2Scale(id, scale, { actor: p.userId, reason, at: new Date() });
    return this.detail(p, id);
  }

  /** N1: clinicians only (the controller), with a reason; audited with the change. */
  async setOxygenPrescription(
    p: Principal,
    id: string,
    body: OxygenPrescriptionRequest,
  ): Promise<PatientDetail> {
    await this.requireAdmitted(p, id);
    await this.patients.setOxygenPrescription(id, body.onOxygen, {
      actor: p.userId,
      reason: body.reason,
      at: new Date(),
    });
    return this.detail(p, id);
  }

  async setThresholds(p: Principal, id: string, body: ThresholdsRequest): Promise<PatientDetail> {
    await this.requireAdmitted(p, id);
    await this.refuseWithPlan(id, 'thresholds');
    const setAt = new Date().toISOString();
    await this.patients.setThresholds(
      id,
      body.map((t) => ({ ...t, setBy: p.userId, setByName: p.displayName, setAt })),
    );
    return this.detail(p, id);
  }

  async setMonitoring(p: Principal, id: string, body: MonitoringRequest): Promise<PatientDetail> {
    await this.requireAdmitted(p, id);
    await this.refuseWithPlan(id, 'schedule');
    await this.patients.setMonitoring(id, body);
    return this.detail(p, id);
  }

  async observationsOf(p: Principal, id: string, q: TimeRangeQuery) {
    await this.access.requirePatient(p, id, 'read');
    const { from, to } = timeRange(q);
    return this.reads.observations(this.db, id, from, to, q.parameter);
  }

  async hourlyOf(p: Principal, id: string, q: TimeRangeQuery): Promise<HourlyObservationView[]> {
    await this.access.requirePatient(p, id, 'read');
    const { from, to } = timeRange(q);
    const parameters = q.parameter ? [q.parameter] : TREND_PARAMETERS;
    const out: HourlyObservationView[] = [];
    for (const parameter of parameters) {
      for (const b of await this.observations.hourlyTrend(this.db, id, parameter, from, to)) {
        out.push({
          parameter,
          bucket: b.bucket.toISOString(),
          avg: b.avg,
          min: b.min,
          max: b.max,
          readings: b.readings,
        });
      }
    }
    return out;
  }

  async scoresOf(p: Principal, id: string, q: TimeRangeQuery): Promise<ScoreView[]> {
    await this.access.requirePatient(p, id, 'read');
    const { from, to } = timeRange(q);
    const stored = await this.scores.listForPatient(this.db, id, from, to);
    return stored.map((s) => ({
      ...s.score,
      id: `${s.patientId}|${s.score.scoredAt}|${s.score.scorerVersion}`,
    }));
  }

  /** Publishes the entry to `vitals.observations`; 202 once the stream holds it durably. */
  async recordManual(
    p: Principal,
    id: string,
    body: ManualObservationRequest,
  ): Promise<ManualObservationAccepted> {
    const patient = await this.requireAdmitted(p, id);
    const now = new Date();
    const measuredAt = new Date(body.measuredAt);
    if (measuredAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
      throw ApiError.invalid('measuredAt is in the future', [
        { path: 'measuredAt', message: 'must not be in the future' },
      ]);
    }
    if (measuredAt < patient.admittedAt) {
      throw ApiError.invalid('measuredAt is before the admission', [
        { path: 'measuredAt', message: 'must be after the patient was admitted' },
      ]);
    }
    const messageId = randomUUID();
    const events = manualObservationEvents({
      request: body,
      patientId: id,
      enteredBy: p.userId,
      messageId,
      receivedAt: now,
    });
    await this.stream.publish(
      streamTopics.observations,
      events.map((e) => ({ key: id, value: e })),
    );
    return { messageId, observationIds: events.map((e) => e.observation.id) };
  }

  /** Issue 13: a patient on a pathway plan has one source of schedule and thresholds: the plan (audited). */
  private async refuseWithPlan(id: string, what: string): Promise<void> {
    if (await this.pathwayPlans.planOf(this.db, id)) {
      throw ApiError.conflict(
        `this patient's ${what} come from their monitoring plan: tailor the plan (PUT /api/patients/${id}/plan)`,
      );
    }
  }

  private async requireAdmitted(p: Principal, id: string): Promise<PatientEntity> {
    const patient = await this.access.requirePatient(p, id, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is discharged');
    return patient;
  }

  private async summaries(list: PatientEntity[]): Promise<PatientSummary[]> {
    const ids = list.map((x) => x.id);
    const since = new Date(Date.now() - LATEST_LOOKBACK_MS);
    const scores = await this.scores.latestForPatients(this.db, ids, since);
    const latest = await this.observations.latestPerParameter(this.db, ids, since);
    return list.map((x) => ({
      id: x.id,
      nhsNumber: x.nhsNumber,
      givenName: x.givenName,
      familyName: x.familyName,
      dateOfBirth: x.dateOfBirth,
      wardId: x.wardId,
      spo2Scale: Number(x.spo2Scale) === 2 ? 2 : 1,
      pathway: x.pathway,
      admittedAt: x.admittedAt.toISOString(),
      dischargedAt: x.dischargedAt ? x.dischargedAt.toISOString() : null,
      latestScore: scores.get(x.id) ?? null,
      latestObservations: latest
        .filter((l) => l.patientId === x.id)
        .map((l) => ({
          parameter: l.parameter,
          value: l.value,
          valueCode: l.valueCode,
          unit: PARAMETER_DEFINITIONS[l.parameter].unit,
          measuredAt: l.measuredAt.toISOString(),
        })),
    }));
  }
}
