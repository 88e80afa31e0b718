import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { MissedCheckInView, SmiPlanRequest, SmiPlanView } from '@vigil/contracts';
import { smiCheckInStatus, smiEscalationDue } from '@vigil/questionnaires';
import { type SmiPlanRecord, SmiPlansRepository, SqlDatabase } from '@vigil/storage';
import { AccessService } from '../auth/access.service';
import { hasWard, type Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';

/** How often the api looks for missed SMI check-ins (they are days apart: a minute is plenty). */
export const SMI_TIMER_MS = 60_000;

function planView(r: SmiPlanRecord, now: Date): SmiPlanView {
  const status = smiCheckInStatus(r, r.lastCheckInAt, now);
  return {
    patientId: r.patientId,
    coordinatorName: r.coordinatorName,
    coordinatorContact: r.coordinatorContact,
    coordinatorUserId: r.coordinatorUserId,
    intervalDays: r.intervalDays,
    graceHours: r.graceHours,
    startedAt: r.startedAt.toISOString(),
    lastCheckInAt: r.lastCheckInAt?.toISOString() ?? null,
    nextDueAt: status.dueAt.toISOString(),
    state: status.state,
  };
}

/**
 * Physical-health monitoring for severe mental illness (issue 14 §3): a weekly check-in (the
 * `severe-mental-illness` questionnaire: weight, blood pressure, pulse and a few questions), and a missed one
 * goes to the plan's named care coordinator — recorded once per due date, shown to them and the patient's
 * ward — never to the acute tiers (no alert, no triage queue, no CCC).
 */
@Injectable()
export class SmiService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('smi');
  private readonly plans = new SmiPlansRepository();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.checkMissed().catch((error: Error) => this.logger.warn(`SMI check-ins: ${error.message}`));
    }, SMI_TIMER_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async setPlan(p: Principal, patientId: string, body: SmiPlanRequest): Promise<SmiPlanView> {
    const patient = await this.access.requirePatient(p, patientId, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is discharged');
    await this.plans.setPlan(this.db, {
      patientId,
      intervalDays: body.intervalDays,
      graceHours: body.graceHours,
      coordinatorName: body.coordinatorName,
      coordinatorContact: body.coordinatorContact,
      coordinatorUserId: body.coordinatorUserId ?? null,
      by: p.userId,
      now: new Date(),
    });
    return this.plan(p, patientId);
  }

  async plan(p: Principal, patientId: string): Promise<SmiPlanView> {
    await this.access.requirePatient(p, patientId, 'read');
    const [plan] = await this.plans.plans(this.db, patientId);
    if (!plan) throw ApiError.notFound('SMI plan');
    return planView(plan, new Date());
  }

  /** Records every newly missed check-in once (one api instance at a time). Returns how many. */
  async checkMissed(now = new Date()): Promise<number> {
    return this.db.transaction(async (tx) => {
      if (!(await this.plans.tryTimerLock(tx))) return 0;
      let recorded = 0;
      for (const plan of await this.plans.plans(tx)) {
        const status = smiCheckInStatus(plan, plan.lastCheckInAt, now);
        if (!smiEscalationDue(status, plan.lastEscalatedDueAt)) continue;
        const added = await this.plans.recordMissed(tx, {
          patientId: plan.patientId,
          dueAt: status.dueAt,
          coordinatorName: plan.coordinatorName,
          now,
        });
        if (added) recorded++;
      }
      return recorded;
    });
  }

  /** Missed check-ins the caller should act on: those naming them, and their wards' patients' (admins: all). */
  async missed(p: Principal): Promise<MissedCheckInView[]> {
    const all = await this.plans.openMissed(this.db);
    const plans = new Map((await this.plans.plans(this.db)).map((x) => [x.patientId, x]));
    return all
      .filter((m) => {
        const plan = plans.get(m.patientId);
        return (
          p.role === 'admin' ||
          plan?.coordinatorUserId === p.userId ||
          (plan ? hasWard(p, plan.wardId) : false)
        );
      })
      .map((m) => ({
        id: m.id,
        patientId: m.patientId,
        givenName: m.givenName,
        familyName: m.familyName,
        dueAt: m.dueAt.toISOString(),
        escalatedAt: m.escalatedAt.toISOString(),
        coordinatorName: m.coordinatorName,
      }));
  }

  async acknowledge(p: Principal, id: string): Promise<void> {
    if (!(await this.missed(p)).some((m) => m.id === id)) throw ApiError.notFound('missed check-in');
    await this.plans.acknowledgeMissed(this.db, id, p.userId, new Date());
  }
}
