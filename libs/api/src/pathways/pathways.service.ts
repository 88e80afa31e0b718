import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PersonalThreshold } from '@vigil/alerting';
import type {
  CeilingRequest,
  DischargeResult,
  PathwayDischargeRequest,
  PathwayTemplateView,
  PlanView,
  ScheduledReadingView,
  TailorPlanRequest,
  WardScheduleRow,
} from '@vigil/contracts';
import {
  applyTemplate,
  ceilingAdvice,
  dischargeReadiness,
  EscalationError,
  effectiveSchedules,
  isTightened,
  type LatestNews2,
  monitoringOf,
  type MonitoringPlan,
  PATHWAY_TEMPLATES,
  type PlanChange,
  PlanError,
  type PlanTailoring,
  readingSchedule,
  type ScheduledReading,
  tailorPlan,
  templateOf,
  type TreatmentCeiling,
} from '@vigil/pathways';
import {
  AlertsRepository,
  ObservationsRepository,
  PathwaysRepository,
  PatientsRepository,
  ScoresRepository,
  type SqlClient,
  SqlDatabase,
} from '@vigil/storage';
import { AlertsService } from '../alerts/alerts.service';
import { AccessService } from '../auth/access.service';
import { hasWard, type Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { buildDischargeSummaryBundle } from '../fhir/fhir-discharge-summary';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';

const HOUR = 3_600_000;
/** How far back the schedule looks for a last reading: the longest schedule a plan allows (14 days). */
const SCHEDULE_LOOKBACK_MS = 15 * 24 * HOUR;
/** A NEWS2 older than this no longer tightens a schedule (the default freshness window, 12 h). */
const NEWS2_TIGHTENS_FOR_MS = 12 * HOUR;

const toView = (r: ScheduledReading): ScheduledReadingView => ({
  parameter: r.parameter,
  everyMinutes: r.everyMinutes,
  graceMinutes: r.graceMinutes,
  tightened: r.tightened,
  lastAt: r.lastAt?.toISOString() ?? null,
  dueAt: r.dueAt.toISOString(),
  overdueAt: r.overdueAt.toISOString(),
  status: r.status,
});

function thresholdsOf(plan: MonitoringPlan, by: Principal, at: Date): PersonalThreshold[] {
  return plan.thresholds.map((t) => ({
    parameter: t.parameter,
    ...(t.below !== undefined ? { below: t.below } : {}),
    ...(t.above !== undefined ? { above: t.above } : {}),
    note: t.note,
    setBy: by.userId,
    setByName: by.displayName,
    setAt: at.toISOString(),
  }));
}

/**
 * Virtual-ward pathways (issue 13): plans from templates, their schedules, treatment ceilings and the
 * discharge with its FHIR summary. Load → decide with `@vigil/pathways` → save (with its audit row) in
 * one transaction.
 */
@Injectable()
export class PathwaysService {
  constructor(
    private readonly db: SqlDatabase,
    private readonly pathways: PathwaysRepository,
    private readonly patients: PatientsRepository,
    private readonly observations: ObservationsRepository,
    private readonly scores: ScoresRepository,
    private readonly alertsRepo: AlertsRepository,
    private readonly reads: ConsoleReadsRepository,
    private readonly access: AccessService,
    private readonly alerts: AlertsService,
  ) {}

  templates(): PathwayTemplateView[] {
    return Object.values(PATHWAY_TEMPLATES).map((t) => ({
      id: t.id,
      version: t.version,
      title: t.title,
      summary: t.summary,
      spo2Scale: t.spo2Scale,
      needsOxygenPrescription: t.needsOxygenPrescription,
      schedules: t.schedules,
      thresholds: t.thresholds,
      trendRules: t.trendRules,
      escalation: t.escalation,
      firstContact: t.firstContact,
      discharge: t.discharge,
    }));
  }

  /** Applies a template at admission (once per stay); the plan, thresholds and scale land with their audit row. */
  async applyTemplate(p: Principal, patientId: string, templateId: string): Promise<PlanView> {
    const template = templateOf(templateId);
    if (!template)
      throw ApiError.invalid('unknown pathway template', [
        { path: 'templateId', message: 'no such template' },
      ]);
    await this.access.requirePatient(p, patientId, 'write');
    const at = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await this.patients.lockAdmitted(tx, patientId)))
        throw ApiError.conflict('patient is discharged');
      if (await this.pathways.planOf(tx, patientId)) {
        throw ApiError.conflict('this admission already has a plan: tailor it instead');
      }
      const plan = applyTemplate(template);
      const change: PlanChange = {
        action: 'applied',
        by: p.userId,
        at: at.toISOString(),
        reason: `Admitted on the ${template.title} pathway (template v${template.version})`,
        changes: {},
      };
      await this.pathways.savePlan(
        tx,
        patientId,
        plan,
        monitoringOf(plan),
        thresholdsOf(plan, p, at),
        change,
      );
    });
    return this.plan(p, patientId);
  }

  async tailor(p: Principal, patientId: string, body: TailorPlanRequest): Promise<PlanView> {
    await this.access.requirePatient(p, patientId, 'write');
    const at = new Date();
    await this.db.transaction(async (tx) => {
      const stored = await this.pathways.lockPlan(tx, patientId);
      if (!stored) throw ApiError.notFound('monitoring plan of an admitted patient');
      const tailoring: PlanTailoring = {
        ...(body.schedules ? { schedules: body.schedules } : {}),
        ...(body.thresholds ? { thresholds: body.thresholds } : {}),
        ...(body.escalation ? { escalation: body.escalation } : {}),
        ...(body.dischargeHours !== undefined ? { dischargeHours: body.dischargeHours } : {}),
        ...(body.weightGain !== undefined
          ? {
              trendRules: body.weightGain
                ? [{ kind: 'weight-gain' as const, ...body.weightGain, source: `Tailored: ${body.reason}` }]
                : [],
            }
          : {}),
      };
      let next: { plan: MonitoringPlan; change: PlanChange };
      try {
        next = tailorPlan(stored.plan, tailoring, p.userId, at, body.reason);
      } catch (error) {
        if (error instanceof PlanError || error instanceof EscalationError)
          throw ApiError.invalid(
            error.message,
            error.field ? [{ path: error.field, message: error.message }] : undefined,
          );
        throw error;
      }
      await this.pathways.savePlan(
        tx,
        patientId,
        next.plan,
        monitoringOf(next.plan),
        thresholdsOf(next.plan, p, at),
        next.change,
      );
    });
    return this.plan(p, patientId);
  }

  async setCeiling(p: Principal, patientId: string, body: CeilingRequest): Promise<PlanView> {
    await this.access.requirePatient(p, patientId, 'write');
    const ceiling: TreatmentCeiling = {
      focus: body.focus,
      cprAttempt: body.cprAttempt,
      note: body.note,
      recordedBy: p.userId,
      recordedAt: new Date().toISOString(),
    };
    await this.db.transaction(async (tx) => {
      if (!(await this.patients.lockAdmitted(tx, patientId)))
        throw ApiError.conflict('patient is discharged');
      await this.pathways.setCeiling(tx, patientId, ceiling, body.reason);
    });
    return this.plan(p, patientId);
  }

  /** The plan, its schedule now (due/overdue/done, tightened or not), the ceiling and discharge readiness. */
  async plan(p: Principal, patientId: string): Promise<PlanView> {
    const patient = await this.access.requirePatient(p, patientId, 'read');
    const stored = await this.pathways.planOf(this.db, patientId);
    if (!stored) throw ApiError.notFound('monitoring plan');
    const now = new Date();
    const [latest] = (await this.latestNews2([patientId], now)).values();
    const last = await this.observations.lastMeasuredAt(
      this.db,
      [patientId],
      new Date(now.getTime() - SCHEDULE_LOOKBACK_MS),
    );
    const schedules = effectiveSchedules(stored.plan.schedules, stored.plan.tightening, latest ?? null);
    const rows = readingSchedule(schedules, last.get(patientId) ?? new Map(), patient.admittedAt, now);
    const ceiling = (await this.pathways.ceilingsOf(this.db, [patientId])).get(patientId) ?? null;
    const windowHours = stored.plan.discharge.hoursWithoutMediumNews2;
    const scores = await this.scores.listForPatient(
      this.db,
      patientId,
      new Date(now.getTime() - Math.max(windowHours, 1) * HOUR),
      new Date(now.getTime() + HOUR),
    );
    const open = (await this.alertsRepo.listForPatient(this.db, patientId)).filter(
      (a) => a.state !== 'resolved',
    );
    const readiness = dischargeReadiness(
      stored.plan.discharge,
      scores
        .filter((s) => !s.score.retrospective)
        .map((s) => ({
          total: s.score.total,
          redScore: s.score.redScore,
          partial: s.score.partial,
          at: new Date(s.score.scoredAt),
        })),
      open.length,
      patient.admittedAt,
      now,
    );
    return {
      patientId,
      ...stored.plan,
      tightened: isTightened(stored.plan.tightening, latest ?? null),
      latestNews2: latest
        ? { total: latest.total, redScore: latest.redScore, at: latest.at.toISOString() }
        : null,
      schedule: rows.map(toView),
      ceiling: ceiling ? { ...ceiling, advice: ceilingAdvice(ceiling) } : null,
      dischargeReadiness: readiness,
      updatedAt: stored.updatedAt.toISOString(),
      updatedBy: stored.updatedBy,
    };
  }

  /** The ward view: every admitted patient with a plan in the caller's wards, with each reading's status. */
  async wardSchedule(p: Principal, wardId: string | undefined): Promise<WardScheduleRow[]> {
    if (p.role === 'coordinator') throw ApiError.forbidden('the ward schedule is for the ward team');
    if (wardId) this.access.requireWard(p, wardId);
    const wards = wardId ? [wardId] : p.role === 'admin' ? 'all' : p.wardIds;
    const patients = (await this.pathways.scheduledPatients(this.db, wards)).filter((x) =>
      hasWard(p, x.wardId),
    );
    const now = new Date();
    const ids = patients.map((x) => x.patientId);
    const latest = await this.latestNews2(ids, now);
    const last = await this.observations.lastMeasuredAt(
      this.db,
      ids,
      new Date(now.getTime() - SCHEDULE_LOOKBACK_MS),
    );
    return patients.map((x) => {
      const news2 = latest.get(x.patientId) ?? null;
      const schedules = effectiveSchedules(x.plan.schedules, x.plan.tightening, news2);
      return {
        patientId: x.patientId,
        wardId: x.wardId,
        givenName: x.givenName,
        familyName: x.familyName,
        nhsNumber: x.nhsNumber,
        pathway: x.plan.title,
        tightened: isTightened(x.plan.tightening, news2),
        readings: readingSchedule(schedules, last.get(x.patientId) ?? new Map(), x.admittedAt, now).map(
          toView,
        ),
      };
    });
  }

  /**
   * Discharge from the pathway: R14's hand-over of unresolved alerts, the discharge, its outcome and
   * device-return step, and the FHIR discharge summary stored with it — one transaction.
   */
  async discharge(p: Principal, patientId: string, body: PathwayDischargeRequest): Promise<DischargeResult> {
    const patient = await this.access.requirePatient(p, patientId, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is already discharged');
    const at = new Date();
    const encounterId = randomUUID();
    const { handedOver, summary } = await this.db.transaction(async (tx) => {
      if (!(await this.patients.lockAdmitted(tx, patientId)))
        throw ApiError.conflict('patient is already discharged');
      const handedOver = await this.alerts.handOverForDischarge(tx, p, patientId, body.handoverNote, at);
      await this.patients.dischargeIn(tx, patientId, at, p.userId);
      const summary = await this.summaryIn(tx, patientId, at, encounterId, body, p.userId);
      await this.pathways.recordDischarge(tx, {
        patientId,
        encounterId,
        outcome: body.outcome,
        deviceReturn: body.deviceReturn,
        note: body.note,
        dischargedAt: at,
        dischargedBy: p.userId,
        summary,
      });
      return { handedOver, summary };
    });
    await this.alerts.announceHandover(handedOver);
    return {
      patientId,
      encounterId,
      outcome: body.outcome,
      deviceReturn: body.deviceReturn,
      dischargedAt: at.toISOString(),
      summary,
    };
  }

  async dischargeSummary(p: Principal, patientId: string): Promise<DischargeResult> {
    await this.access.requirePatient(p, patientId, 'read');
    const d = await this.pathways.dischargeOf(this.db, patientId);
    if (!d) throw ApiError.notFound('discharge summary');
    return {
      patientId,
      encounterId: d.encounterId,
      outcome: d.outcome,
      deviceReturn: d.deviceReturn,
      dischargedAt: d.dischargedAt.toISOString(),
      summary: d.summary,
    };
  }

  private async summaryIn(
    tx: SqlClient,
    patientId: string,
    at: Date,
    encounterId: string,
    body: PathwayDischargeRequest,
    by: string,
  ): Promise<Record<string, unknown>> {
    const patient = await this.patients.findPatient(patientId);
    if (!patient) throw ApiError.notFound('patient');
    const to = new Date(at.getTime() + HOUR);
    const observations = await this.reads.observationsForExport(tx, patientId, patient.admittedAt, to);
    const scores = await this.scores.listForPatient(tx, patientId, patient.admittedAt, to);
    const alerts = await this.alertsRepo.listForPatient(tx, patientId);
    const plan = (await this.pathways.planOf(tx, patientId))?.plan ?? null;
    const ceiling = (await this.pathways.ceilingsOf(tx, [patientId])).get(patientId) ?? null;
    const ward = (await this.patients.listWards()).find((w) => w.id === patient.wardId);
    return buildDischargeSummaryBundle({
      patient,
      observations,
      scores,
      alerts,
      wardName: ward?.name ?? 'Virtual ward',
      plan,
      ceiling,
      admittedAt: patient.admittedAt,
      dischargedAt: at,
      outcome: body.outcome,
      deviceReturn: body.deviceReturn,
      note: body.note,
      dischargedBy: by,
      encounterId,
    });
  }

  /** Each patient's newest current NEWS2 still fresh enough to tighten a schedule. */
  private async latestNews2(ids: readonly string[], now: Date): Promise<Map<string, LatestNews2>> {
    const scores = await this.scores.latestForPatients(
      this.db,
      ids,
      new Date(now.getTime() - NEWS2_TIGHTENS_FOR_MS),
    );
    const out = new Map<string, LatestNews2>();
    for (const [id, s] of scores)
      out.set(id, { total: s.total, redScore: s.redScore, at: new Date(s.scoredAt) });
    return out;
  }
}
