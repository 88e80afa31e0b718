import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  type AlertsStreamEvent,
  alertsStreamEventSchema,
  type ScoreEvent,
  socketEvents,
  socketRooms,
  streamTopics,
} from '@vigil/contracts';
import { CareHomesRepository, SqlDatabase } from '@vigil/storage';
import type { StreamPort, Subscription } from '@vigil/stream';
import { API_OPTIONS, API_STREAM, type ApiModuleOptions } from '../api.options';
import { MetricsService } from '../metrics/metrics.service';
import { PerRoomDigest } from './score-throttle';
import { SocketHub } from './socket-hub.service';

/** Which rooms an event goes to. Patient events: their ward and admins; escalated alerts also the CCC. */
export function roomsForEvent(event: AlertsStreamEvent): string[] | 'everyone' {
  if (event.type === 'pipeline.status') return 'everyone';
  if (event.type === 'score.updated') return [socketRooms.ward(event.wardId), socketRooms.admin];
  const rooms = [socketRooms.ward(event.alert.wardId), socketRooms.admin];
  if (event.alert.escalatedAt !== null) rooms.push(socketRooms.ccc);
  return rooms;
}

export function apiGroupId(options: ApiModuleOptions): string {
  return `vigil-api-${options.instanceId ?? hostname()}`;
}

/**
 * Consumes `alerts.events` in a consumer group of its own per api instance (every instance must see
 * every event to reach its own sockets) and pushes each one to the permitted rooms.
 */
@Injectable()
export class AlertsEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('alerts-events');
  private subscription: Subscription | null = null;
  /** Score updates: one `scores` digest per room per second on the sockets, each patient on its newest. */
  private readonly scores = new PerRoomDigest<ScoreEvent>(1000, (room, events) => {
    try {
      this.hub.emit(room.split('|'), socketEvents.scores, { scores: events });
    } catch (error) {
      this.logger.warn(`could not push score updates: ${(error as Error).name}`);
    }
  });

  private readonly homes = new CareHomesRepository();

  constructor(
    @Inject(API_STREAM) private readonly stream: StreamPort,
    @Inject(API_OPTIONS) private readonly options: ApiModuleOptions,
    private readonly hub: SocketHub,
    private readonly metrics: MetricsService,
    private readonly db: SqlDatabase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.stream.subscribe<unknown>({
      topic: streamTopics.alerts,
      groupId: apiGroupId(this.options),
      // Live notifications only: a group of its own from the latest offset, gone on shutdown (Kafka), so
      // restarted or rescheduled containers neither replay old events nor leave groups behind.
      fanOut: true,
      // Never throws: a notification that cannot be pushed must not hold up the stream (the in-process
      // publish waits for every group) — consoles refetch on reconnect anyway.
      handle: async (batch) => {
        for (const record of batch.records) {
          const parsed = alertsStreamEventSchema.safeParse(record.value);
          if (!parsed.success) {
            this.logger.warn(`skipped an invalid alerts.events record at offset ${record.offset}`);
            continue;
          }
          this.push(parsed.data);
          await this.notifyCareHome(parsed.data);
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    this.scores.close();
  }

  push(event: AlertsStreamEvent): void {
    this.metrics.streamEvents.inc({ type: event.type });
    if (event.type === 'score.updated') {
      this.scores.offer((roomsForEvent(event) as string[]).join('|'), event.patientId, event);
    } else this.emit(event);
  }

  /**
   * Issue 14: a care-home resident's fall also tells the home's staff (room `care-home:{id}`), so their screen
   * shows a fall or an acknowledgement without polling. Only falls, and no alert payload: staff refetch the
   * falls they may see. Never throws (the stream must not wait on a notification).
   */
  async notifyCareHome(event: AlertsStreamEvent): Promise<void> {
    if (event.type === 'score.updated' || event.type === 'pipeline.status' || event.alert.ruleId !== 'fall')
      return;
    try {
      const careHomeId = await this.homes.homeOfResident(this.db, event.alert.patientId);
      if (!careHomeId) return;
      this.hub.emit([socketRooms.careHome(careHomeId)], socketEvents.careHome, {
        careHomeId,
        alertId: event.alert.id,
        type: event.type,
      });
    } catch (error) {
      this.logger.warn(`could not tell the care home of ${event.type}: ${(error as Error).name}`);
    }
  }

  private emit(event: Exclude<AlertsStreamEvent, ScoreEvent>): void {
    const rooms = roomsForEvent(event);
    try {
      if (event.type === 'pipeline.status') this.hub.broadcast(socketEvents.pipeline, event);
      else this.hub.emit(rooms as string[], socketEvents.alert, event);
    } catch (error) {
      this.logger.warn(`could not push ${event.type}: ${(error as Error).name}`);
    }
  }
}
