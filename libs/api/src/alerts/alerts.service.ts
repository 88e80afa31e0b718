import type { AlertOutcome } from '@vigil/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ALERT_STATES,
  type AlertDetail,
  type AlertEvent,
  type AlertsQuery,
  type AlertState,
  type AlertView,
  type SeenAlertRequest,
  streamTopics,
} from '@vigil/contracts';
import {
  type AlertActionInput,
  type AlertRecord,
  applyAlertAction,
  DEFAULT_ALERTING_POLICY,
  dischargeBlockers,
  toAlertSummary,
} from '@vigil/alerting';
import {
  AlertsRepository,
  OutboxRepository,
  ReportedAnswersRepository,
  type SqlClient,
  SqlDatabase,
  UsersRepository,
} from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import { API_STREAM } from '../api.options';
import { AccessService } from '../auth/access.service';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { MetricsService } from '../metrics/metrics.service';
import { answersView } from '../patient-reporting/answers-view';
import {
  type AlertFilter,
  type AlertWithContext,
  ConsoleReadsRepository,
  decodeAlertCursor,
  InvalidAlertCursorError,
} from '../read-model/console-reads.repository';

const UNRESOLVED: readonly AlertState[] = ALERT_STATES.filter((s) => s !== 'resolved');

/** HZ-10: the alert as the person saw it (a request's `seen`), for `@vigil/alerting`. */
const seenAt = (seen: SeenAlertRequest) => ({
  severity: seen.severity,
  attentionSince: new Date(seen.attentionSince),
});

export function toAlertView(a: AlertWithContext): AlertView {
  return { ...toAlertSummary(a.alert), patient: a.patient, wardName: a.wardName };
}

/** The api's page of alerts: the default and the most `limit` allows (`alertsQuerySchema`). */
export const ALERT_PAGE_SIZE = 500;

/** One page of an alert list; `total` (how many match in all) on the first page only. */
export interface AlertPage {
  items: AlertView[];
  nextCursor: string | null;
  total: number | null;
}

/** A discharge's hand-over: the events of the alerts it resolved and their outbox rows. */
export interface HandedOver {
  events: AlertEvent[];
  outboxIds: string[];
}

function describeBlocker(a: AlertRecord): string {
  return `${a.severity} ${a.ruleId} alert, ${a.state}, opened ${a.openedAt.toISOString()}`;
}

/**
 * Alert lists and the human actions on them. Every action is one of the storage layer's audited
 * transitions (state change and audit row in one transaction, HZ-15); the resulting event is then
 * published to `alerts.events` so every console updates.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger('alerts');
  private readonly reportedAnswers = new ReportedAnswersRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly alerts: AlertsRepository,
    private readonly outbox: OutboxRepository,
    private readonly users: UsersRepository,
    private readonly reads: ConsoleReadsRepository,
    private readonly access: AccessService,
    private readonly metrics: MetricsService,
    @Inject(API_STREAM) private readonly stream: StreamPort,
  ) {}

  /**
   * One page of alerts (at most 500, the default); `nextCursor` is null on the last page, and the first page
   * (no cursor) says how many alerts match in all, so a console that stops short can say "N of M" (HZ-02).
   */
  async list(p: Principal, q: AlertsQuery): Promise<AlertPage> {
    if (q.wardId && p.role !== 'coordinator') this.access.requireWard(p, q.wardId);
    const coordinator = p.role === 'coordinator';
    const wards = q.wardId ? [q.wardId] : coordinator ? 'all' : this.access.wardScope(p);
    return this.page(
      {
        wards,
        escalatedOnly: coordinator,
        states: q.state && q.state.length > 0 ? q.state : UNRESOLVED,
        kind: q.kind,
      },
      q,
    );
  }

  /**
   * CCC queue: alerts escalated to the CCC and not yet resolved, across every ward, paged like `list` (it
   * used to stop silently at 500: HZ-02, HZ-22).
   */
  cccQueue(q: Pick<AlertsQuery, 'limit' | 'cursor'>): Promise<AlertPage> {
    return this.page({ wards: 'all', escalatedOnly: true, states: UNRESOLVED }, q);
  }

  private async page(
    filter: Omit<AlertFilter, 'limit' | 'after'>,
    q: Pick<AlertsQuery, 'limit' | 'cursor'>,
  ): Promise<AlertPage> {
    let after;
    try {
      after = q.cursor ? decodeAlertCursor(q.cursor) : undefined;
    } catch (error) {
      if (!(error instanceof InvalidAlertCursorError)) throw error;
      throw ApiError.invalid(error.message, [{ path: 'cursor', message: error.message }]);
    }
    const page = await this.reads.alertsPage(this.db, {
      ...filter,
      limit: q.limit ?? ALERT_PAGE_SIZE,
      after,
    });
    // Counted only when the first page is not the whole list: the usual queue costs no second query.
    const total = after
      ? null
      : page.nextCursor === null
        ? page.items.length
        : await this.reads.countAlerts(this.db, filter);
    return { items: page.items.map(toAlertView), nextCursor: page.nextCursor, total };
  }

  async detail(p: Principal, id: string): Promise<AlertDetail> {
    const found = await this.access.requireAlert(p, id);
    const audit = await this.alerts.listAudit(this.db, id);
    const reported = await this.reportedAnswers.listForAlert(this.db, id);
    return {
      ...toAlertView(found),
      reportedAnswers: reported.map(answersView),
      audit: audit.map((e) => ({
        alertId: e.alertId,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        fromState: e.fromState,
        toState: e.toState,
        detail: e.detail ?? {},
      })),
    };
  }

  async historyOfPatient(p: Principal, patientId: string): Promise<AlertView[]> {
    await this.access.requirePatient(p, patientId, 'read');
    const rows = await this.reads.alerts(this.db, {
      wards: 'all',
      escalatedOnly: false,
      states: [],
      patientId,
    });
    return rows.map(toAlertView).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  /** HZ-10: refused (409 `alert-changed`) when the alert worsened or asked for attention again since `seen`. */
  acknowledge(p: Principal, id: string, seen: SeenAlertRequest): Promise<AlertView> {
    return this.act(p, id, { action: 'acknowledge', seen: seenAt(seen) });
  }

  async assign(p: Principal, id: string, userId: string): Promise<AlertView> {
    const found = await this.access.requireAlert(p, id);
    if (p.role === 'coordinator' && userId !== p.userId) {
      throw ApiError.forbidden('coordinators take ownership: assign to yourself');
    }
    const assignee = await this.users.findById(userId);
    const eligible =
      assignee !== null &&
      !assignee.disabled &&
      (assignee.role === 'admin' ||
        assignee.role === 'coordinator' ||
        assignee.wardIds.includes(found.alert.wardId));
    if (!eligible) {
      throw ApiError.invalid('this user cannot take the alert', [
        { path: 'userId', message: 'unknown, disabled, or not on this ward' },
      ]);
    }
    return this.act(p, id, { action: 'assign', assignee: userId });
  }

  escalate(p: Principal, id: string, body: { reason: string; destination: string }): Promise<AlertView> {
    return this.act(p, id, { action: 'escalate', reason: body.reason, destination: body.destination });
  }

  resolve(
    p: Principal,
    id: string,
    note: string,
    outcome: AlertOutcome,
    seen: SeenAlertRequest,
  ): Promise<AlertView> {
    return this.act(p, id, { action: 'resolve', note, outcome, seen: seenAt(seen) });
  }

  /**
   * R3: bounded per severity; falls, NEWS2 ≥ 7 and implausible readings cannot be snoozed. HZ-10: never a
   * snooze of a worse alert than the one seen.
   */
  snooze(p: Principal, id: string, minutes: number, seen: SeenAlertRequest): Promise<AlertView> {
    return this.act(p, id, { action: 'snooze', minutes, seen: seenAt(seen) });
  }

  /**
   * R14, inside the discharge's transaction: the patient's unresolved alerts, locked. Without a handover
   * note any of them refuses the discharge (409 naming each); with one, each is resolved by the person
   * discharging, with its audit row and its event (the outbox) in the same transaction. Pass the result
   * to `announceHandover` once it commits.
   */
  async handOverForDischarge(
    tx: SqlClient,
    p: Principal,
    patientId: string,
    handoverNote: string | undefined,
    at: Date,
  ): Promise<HandedOver> {
    const unresolved = await this.alerts.lockUnresolvedOfPatient(tx, patientId);
    const blocking = new Set(dischargeBlockers(unresolved));
    const blockers = unresolved.filter((a) => blocking.has(a.id));
    if (blockers.length === 0) return { events: [], outboxIds: [] };
    if (handoverNote === undefined) {
      const count = blockers.length === 1 ? '1 alert is' : `${blockers.length} alerts are`;
      throw ApiError.conflict(
        `cannot discharge: ${count} unresolved (${blockers.map(describeBlocker).join('; ')}). ` +
          'Resolve each, or discharge with a handoverNote to hand them over.',
      );
    }
    const changes = blockers.map((a) =>
      applyAlertAction(
        a,
        { action: 'resolve', note: `Handed over at discharge: ${handoverNote}` },
        { userId: p.userId, role: p.role },
        at,
        DEFAULT_ALERTING_POLICY,
      ),
    );
    await this.alerts.save(
      tx,
      changes.map((c) => c.record),
    );
    await this.alerts.audit(
      tx,
      changes.map((c) => c.audit),
    );
    const events = changes.map((c) => c.event);
    return { events, outboxIds: await this.outbox.add(tx, events, at) };
  }

  /** After the discharge committed: counts and publishes the hand-over (the outbox relay covers a failure). */
  async announceHandover(handedOver: HandedOver): Promise<void> {
    const { events, outboxIds } = handedOver;
    if (events.length === 0) return;
    this.metrics.alertActions.inc({ action: 'resolve', outcome: 'done' }, events.length);
    try {
      await this.stream.publish(
        streamTopics.alerts,
        events.map((event) => ({ key: event.alert.patientId, value: event })),
      );
      await this.outbox.markPublished(this.db, outboxIds, new Date());
    } catch (error) {
      this.logger.error(
        `could not publish ${events.length} alert events (the outbox relay will): ${(error as Error).name}`,
      );
    }
  }

  /**
   * Load (locked) → decide with `@vigil/alerting` → save the change, its audit row (HZ-15) and its event
   * (the outbox) in one transaction → publish after the commit.
   */
  private async act(p: Principal, id: string, input: AlertActionInput): Promise<AlertView> {
    const found = await this.access.requireAlert(p, id);
    let event: AlertEvent;
    let outboxIds: string[];
    try {
      ({ event, outboxIds } = await this.db.transaction(async (tx) => {
        const before = await this.alerts.lockById(tx, id);
        if (!before) throw ApiError.notFound('alert');
        const change = applyAlertAction(
          before,
          input,
          { userId: p.userId, role: p.role },
          new Date(),
          DEFAULT_ALERTING_POLICY,
        );
        await this.alerts.save(tx, [change.record]);
        await this.alerts.audit(tx, [change.audit]);
        return {
          event: change.event,
          outboxIds: await this.outbox.add(tx, [change.event], change.record.updatedAt),
        };
      }));
      this.metrics.alertActions.inc({ action: input.action, outcome: 'done' });
    } catch (error) {
      this.metrics.alertActions.inc({ action: input.action, outcome: 'refused' });
      throw error;
    }
    await this.publish(event, outboxIds);
    return { ...event.alert, patient: found.patient, wardName: found.wardName };
  }

  /**
   * The transition has committed: the database is the record, and its event waits in the outbox. A failed
   * publish only delays the socket notification — the scorer's outbox relay sends it — so it is logged,
   * not returned as a failure.
   */
  private async publish(event: AlertEvent, outboxIds: readonly string[]): Promise<void> {
    try {
      await this.stream.publish(streamTopics.alerts, [{ key: event.alert.patientId, value: event }]);
      await this.outbox.markPublished(this.db, outboxIds, new Date());
    } catch (error) {
      this.logger.error(`could not publish ${event.type} (the outbox relay will): ${(error as Error).name}`);
    }
  }
}
