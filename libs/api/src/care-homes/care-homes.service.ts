import { Inject, Injectable, Logger } from '@nestjs/common';
import { AlertActionError, applyAlertAction, DEFAULT_ALERTING_POLICY, toAlertSummary } from '@vigil/alerting';
import {
  type AddCareHomeDeviceRequest,
  type AddResidentRequest,
  type AlertEvent,
  type CareHomeDeviceView,
  type CareHomeFallView,
  type CareHomeView,
  type CreateCareHomeRequest,
  type ResidentView,
  streamTopics,
} from '@vigil/contracts';
import {
  AlertsRepository,
  type CareHomeRecord,
  CareHomesRepository,
  OutboxRepository,
  PatientsRepository,
  RegistryError,
  type ResidentFall,
  SqlDatabase,
} from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import { API_STREAM } from '../api.options';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { fallsReport, type FallsReport } from './falls-report';

const DAY = 86_400_000;

const homeView = (h: CareHomeRecord): CareHomeView => ({
  id: h.id,
  name: h.name,
  escalationWardId: h.escalationWardId,
});

function fallView(f: ResidentFall): CareHomeFallView {
  return {
    alert: toAlertSummary(f.alert),
    with: f.alert.escalationDestination ?? 'care-home',
    resident: {
      patientId: f.alert.patientId,
      givenName: f.givenName,
      familyName: f.familyName,
      room: f.room,
    },
  };
}

/**
 * Care homes (issue 14): admins set up homes, staff and devices; residents are patients (a new one registered
 * for falls prevention only needs no virtual-ward plan); care-home staff see and act on their own residents'
 * falls first — the scorer opens them with the home (`@vigil/alerting`), and its timers send an
 * unacknowledged one on to the virtual ward.
 */
@Injectable()
export class CareHomesService {
  private readonly logger = new Logger('care-homes');
  private readonly homes = new CareHomesRepository();

  constructor(
    private readonly db: SqlDatabase,
    private readonly patients: PatientsRepository,
    private readonly alerts: AlertsRepository,
    private readonly outbox: OutboxRepository,
    @Inject(API_STREAM) private readonly stream: StreamPort,
  ) {}

  /** The home when the caller may see it (admins: any; staff: their own); 404 otherwise. */
  private async requireHome(p: Principal, id: string): Promise<CareHomeRecord> {
    const home = await this.homes.find(this.db, id);
    if (!home) throw ApiError.notFound('care home');
    if (p.role === 'admin') return home;
    if (p.role === 'care-home' && (await this.homes.homesOfStaff(this.db, p.userId)).includes(id))
      return home;
    throw ApiError.notFound('care home');
  }

  async list(p: Principal): Promise<CareHomeView[]> {
    const ids = p.role === 'admin' ? 'all' : await this.homes.homesOfStaff(this.db, p.userId);
    return (await this.homes.list(this.db, ids)).map(homeView);
  }

  async create(body: CreateCareHomeRequest): Promise<CareHomeView> {
    const wards = await this.patients.listWards();
    if (!wards.some((w) => w.id === body.escalationWardId)) {
      throw ApiError.invalid('unknown ward', [{ path: 'escalationWardId', message: 'no such ward' }]);
    }
    try {
      return homeView(await this.homes.create(this.db, body));
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw ApiError.conflict('a care home with this name exists');
      throw error;
    }
  }

  async addStaff(p: Principal, id: string, userId: string): Promise<void> {
    await this.requireHome(p, id);
    const [user] = await this.db.query<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [userId]);
    if (!user) throw ApiError.invalid('unknown user', [{ path: 'userId', message: 'no such user' }]);
    if (user.role !== 'care-home') {
      throw ApiError.invalid('only care-home accounts can be a home’s staff', [
        { path: 'userId', message: 'the user’s role must be care-home' },
      ]);
    }
    await this.homes.addStaff(this.db, id, userId);
  }

  async addResident(p: Principal, id: string, body: AddResidentRequest): Promise<ResidentView> {
    const home = await this.requireHome(p, id);
    let patientId = body.patientId;
    if (patientId) {
      const patient = await this.patients.findPatient(patientId);
      if (!patient || patient.dischargedAt)
        throw ApiError.invalid('unknown patient', [
          { path: 'patientId', message: 'no such admitted patient' },
        ]);
    } else {
      // Falls prevention without a virtual ward: a patient record (devices bind to patients) on the pathway
      // `falls-prevention`, under the home's virtual ward only so an unacknowledged fall has somewhere to go.
      try {
        patientId = (
          await this.patients.admit({
            nhsNumber: body.nhsNumber as string,
            givenName: body.givenName as string,
            familyName: body.familyName as string,
            dateOfBirth: body.dateOfBirth,
            wardId: home.escalationWardId,
            pathway: 'falls-prevention',
          })
        ).id;
      } catch (error) {
        if (error instanceof RegistryError) {
          if (error.code === 'conflict') throw ApiError.conflict(`${error.message}: add them by patientId`);
          throw ApiError.invalid(error.message, [{ path: 'nhsNumber', message: error.message }]);
        }
        throw error;
      }
    }
    await this.homes.addResident(this.db, {
      careHomeId: id,
      patientId,
      room: body.room ?? null,
      fallsPrevention: body.fallsPrevention,
      by: p.userId,
      now: new Date(),
    });
    const resident = (await this.residents(p, id)).find((r) => r.patientId === patientId);
    return resident as ResidentView;
  }

  async setFallsPrevention(p: Principal, id: string, patientId: string, enrolled: boolean): Promise<void> {
    await this.requireHome(p, id);
    if (!(await this.homes.setFallsPrevention(this.db, id, patientId, enrolled, new Date()))) {
      throw ApiError.notFound('resident');
    }
  }

  async residents(p: Principal, id: string): Promise<ResidentView[]> {
    await this.requireHome(p, id);
    return (await this.homes.residents(this.db, id))
      .filter((r) => r.dischargedAt === null)
      .map((r) => ({
        patientId: r.patientId,
        nhsNumber: r.nhsNumber,
        givenName: r.givenName,
        familyName: r.familyName,
        room: r.room,
        fallsPreventionSince: r.fallsPreventionSince?.toISOString() ?? null,
      }));
  }

  async addDevice(p: Principal, id: string, body: AddCareHomeDeviceRequest): Promise<void> {
    await this.requireHome(p, id);
    const [device] = await this.db.query(`SELECT 1 FROM devices WHERE id = $1`, [body.deviceId]);
    if (!device) throw ApiError.invalid('unknown device', [{ path: 'deviceId', message: 'no such device' }]);
    await this.homes.addDevice(this.db, { careHomeId: id, ...body, location: body.location ?? null });
  }

  async devices(p: Principal, id: string): Promise<CareHomeDeviceView[]> {
    await this.requireHome(p, id);
    return (await this.homes.devices(this.db, id)).map((d) => ({
      deviceId: d.deviceId,
      kind: d.kind,
      location: d.location,
      boundPatientId: d.boundPatientId,
    }));
  }

  /** Unresolved falls first (oldest waiting first), then the last 7 days' resolved ones. */
  async falls(p: Principal, id: string): Promise<CareHomeFallView[]> {
    await this.requireHome(p, id);
    const all = await this.homes.falls(this.db, id, new Date(Date.now() - 7 * DAY));
    const open = all.filter((f) => f.alert.state !== 'resolved').reverse();
    return [...open, ...all.filter((f) => f.alert.state === 'resolved')].map(fallView);
  }

  async report(p: Principal, id: string): Promise<FallsReport> {
    await this.requireHome(p, id);
    const now = new Date();
    const [residents, falls] = await Promise.all([
      this.homes.residents(this.db, id),
      this.homes.falls(this.db, id, new Date(now.getTime() - 30 * DAY)),
    ]);
    return fallsReport(
      residents.map((r) => ({
        patientId: r.patientId,
        name: `${r.givenName} ${r.familyName}`,
        room: r.room,
        fallsPrevention: r.fallsPreventionSince !== null,
      })),
      falls.map((f) => ({
        patientId: f.alert.patientId,
        openedAt: f.alert.openedAt,
        acknowledgedAt: f.alert.acknowledgedAt,
        escalationDestination: f.alert.escalationDestination,
      })),
      now,
    );
  }

  /** Care-home staff acknowledge or resolve one of their residents' falls: audited, via the outbox. */
  async act(
    p: Principal,
    id: string,
    alertId: string,
    input: { action: 'acknowledge' } | { action: 'resolve'; note: string },
  ): Promise<CareHomeFallView> {
    await this.requireHome(p, id);
    const { event, outboxIds } = await this.db.transaction(async (tx) => {
      const before = await this.homes.lockFall(tx, id, alertId);
      if (!before) throw ApiError.notFound('fall');
      let change;
      try {
        change = applyAlertAction(
          before,
          input,
          { userId: p.userId, role: p.role },
          new Date(),
          DEFAULT_ALERTING_POLICY,
        );
      } catch (error) {
        if (error instanceof AlertActionError) {
          if (error.code === 'forbidden') throw ApiError.forbidden(error.message);
          if (error.code === 'invalid-transition') throw ApiError.conflict(error.message);
          throw ApiError.invalid(error.message);
        }
        throw error;
      }
      await this.alerts.save(tx, [change.record]);
      await this.alerts.audit(tx, [{ ...change.audit, detail: { ...change.audit.detail, careHomeId: id } }]);
      return {
        event: change.event,
        outboxIds: await this.outbox.add(tx, [change.event], change.record.updatedAt),
      };
    });
    await this.publish(event, outboxIds);
    const [fall] = (await this.homes.falls(this.db, id, new Date(0))).filter((f) => f.alert.id === alertId);
    return fallView(fall);
  }

  private async publish(event: AlertEvent, outboxIds: readonly string[]): Promise<void> {
    try {
      await this.stream.publish(streamTopics.alerts, [{ key: event.alert.patientId, value: event }]);
      await this.outbox.markPublished(this.db, outboxIds, new Date());
    } catch (error) {
      this.logger.error(`could not publish ${event.type} (the outbox relay will): ${(error as Error).name}`);
    }
  }
}
