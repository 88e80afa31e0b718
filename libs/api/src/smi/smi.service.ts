import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type MissedCheckInView,
  type SmiContactOutcome,
  type SmiContactRequest,
  type SmiEvent,
  type SmiPlanRequest,
  type SmiPlanView,
  socketEvents,
  socketRooms,
} from '@vigil/contracts';
import { smiCheckInStatus, smiContactCloses, smiEscalationDue, smiMissedAt } from '@vigil/questionnaires';
import {
  type MissedCheckInRecord,
  type SmiPlanRecord,
  SmiPlansRepository,
  SqlDatabase,
} from '@vigil/storage';
import { AccessService } from '../auth/access.service';
import { hasWard, type Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { internalRooms, SocketHub } from '../gateway/socket-hub.service';

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
    private readonly hub: SocketHub,
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

  /**
   * Records every newly missed check-in once (one api instance at a time), then tells the coordinator's,
   * the ward's and admins' consoles over the sockets. Returns how many.
   */
  async checkMissed(now = new Date()): Promise<number> {
    const recorded = await this.db.transaction(async (tx) => {
      if (!(await this.plans.tryTimerLock(tx))) return [];
      const added: { id: string; plan: SmiPlanRecord }[] = [];
      for (const plan of await this.plans.plans(tx)) {
        const status = smiCheckInStatus(plan, plan.lastCheckInAt, now);
        if (!smiEscalationDue(status, plan.lastEscalatedDueAt)) continue;
        const id = await this.plans.recordMissed(tx, {
          patientId: plan.patientId,
          dueAt: status.dueAt,
          coordinatorName: plan.coordinatorName,
          now,
        });
        if (id) added.push({ id, plan });
      }
      return added;
    });
    // After the commit: a console told of it finds it when it refetches.
    for (const { id, plan } of recorded) {
      this.notify(
        { type: 'smi.missed', missedCheckInId: id, patientId: plan.patientId, wardId: plan.wardId },
        plan.coordinatorUserId,
      );
    }
    return recorded.length;
  }

  /** Missed check-ins the caller should act on: those naming them, and their wards' patients' (admins: all). */
  async missed(p: Principal, id?: string): Promise<MissedCheckInView[]> {
    const all = await this.plans.openMissed(this.db, id ? { id } : {});
    return all
      .filter((m) => mayAct(p, m))
      .map((m) => ({
        id: m.id,
        patientId: m.patientId,
        givenName: m.givenName,
        familyName: m.familyName,
        dueAt: m.dueAt.toISOString(),
        missedAt: smiMissedAt(m.dueAt, m.graceHours).toISOString(),
        escalatedAt: m.escalatedAt.toISOString(),
        coordinatorName: m.coordinatorName,
        coordinatorContact: m.coordinatorContact,
        mine: m.coordinatorUserId === p.userId,
        lastCheckInAt: m.lastCheckInAt?.toISOString() ?? null,
        lastContact: m.lastContact
          ? {
              at: m.lastContact.at.toISOString(),
              by: m.lastContact.by,
              byName: m.lastContact.byName,
              outcome: m.lastContact.outcome as SmiContactOutcome,
              note: m.lastContact.note,
            }
          : null,
      }));
  }

  async acknowledge(p: Principal, id: string): Promise<void> {
    if (!(await this.missed(p)).some((m) => m.id === id)) throw ApiError.notFound('missed check-in');
    await this.plans.acknowledgeMissed(this.db, id, p.userId, new Date());
  }

  /**
   * A care coordinator (or the ward) records a contact about a missed check-in: kept with the patient's audit
   * trail, and it closes the missed check-in unless nobody answered (HZ-66). Returns whether it closed it.
   */
  async recordContact(p: Principal, id: string, body: SmiContactRequest): Promise<{ closed: boolean }> {
    const [m] = (await this.plans.openMissed(this.db, { id })).filter((x) => mayAct(p, x));
    if (!m) throw ApiError.notFound('missed check-in');
    const closes = smiContactCloses(body.outcome);
    await this.db.transaction((tx) =>
      this.plans.recordContact(tx, {
        missedCheckInId: id,
        patientId: m.patientId,
        at: new Date(),
        by: p.userId,
        outcome: body.outcome,
        note: body.note,
        closes,
      }),
    );
    this.notify(
      { type: 'smi.contact', missedCheckInId: id, patientId: m.patientId, wardId: m.wardId },
      m.coordinatorUserId,
    );
    return { closed: closes };
  }

  private notify(event: SmiEvent, coordinatorUserId: string | null): void {
    const rooms = [socketRooms.ward(event.wardId), socketRooms.admin];
    if (coordinatorUserId) rooms.push(internalRooms.user(coordinatorUserId));
    this.hub.emitFromHere(rooms, socketEvents.smi, event);
  }
}

/** Who may see and act on a missed check-in: the named coordinator, the patient's ward, admins. */
function mayAct(p: Principal, m: Pick<MissedCheckInRecord, 'coordinatorUserId' | 'wardId'>): boolean {
  return p.role === 'admin' || m.coordinatorUserId === p.userId || hasWard(p, m.wardId);
}
