import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { SESSION_COOKIE_NAME, type ServerToClientEvents, socketRooms } from '@vigil/contracts';
import { CareHomesRepository, SqlDatabase } from '@vigil/storage';
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal';
import { SessionsService } from '../auth/sessions.service';
import { MetricsService } from '../metrics/metrics.service';
import { readCookie } from './origin';
import { internalRooms, SocketHub } from './socket-hub.service';

interface SocketData {
  principal?: Principal;
}
type VigilSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;
type VigilServer = Server<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Rooms a user may join: only these, decided here from the session (and, for care-home staff, the homes they
 * work in), never asked for by the client.
 */
export function roomsFor(p: Principal, careHomeIds: readonly string[] = []): string[] {
  const rooms = [internalRooms.user(p.userId), internalRooms.session(p.sessionId)];
  switch (p.role) {
    case 'admin':
      // Every patient event is also sent to `admin`, so wards created later are covered too.
      rooms.push(socketRooms.admin);
      break;
    case 'coordinator':
      rooms.push(socketRooms.ccc);
      break;
    case 'nurse':
    case 'clinician':
      rooms.push(...p.wardIds.map(socketRooms.ward));
      break;
    case 'care-home':
      // Care-home staff see their residents' falls only (issue 14): no ward room, their homes' rooms, which
      // get a `care-home` notification (no alert payload) whenever one of their residents' falls changes.
      rooms.push(...careHomeIds.map(socketRooms.careHome));
      break;
  }
  return rooms;
}

/** How often sockets are checked against their session (idle expiry, revocation elsewhere). */
const SESSION_SWEEP_MS = 60_000;

/**
 * The console's live channel. Authenticates on the handshake from the session cookie (the Origin was
 * already checked by the adapter), joins the permitted rooms, and only notifies: consoles refetch.
 */
@WebSocketGateway()
export class EventsGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger('sockets');
  private server: VigilServer | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private readonly homes = new CareHomesRepository();

  constructor(
    private readonly sessions: SessionsService,
    private readonly hub: SocketHub,
    private readonly metrics: MetricsService,
    private readonly db: SqlDatabase,
  ) {}

  afterInit(server: VigilServer): void {
    this.server = server;
    this.hub.attach(server);
    server.use((socket: VigilSocket, next) => {
      const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE_NAME);
      this.sessions.resolve(token).then(
        (principal) => {
          if (!principal) {
            this.metrics.socketRefusals.inc({ reason: 'no-session' });
            next(new Error('not-signed-in'));
            return;
          }
          socket.data.principal = principal;
          next();
        },
        () => {
          this.metrics.socketRefusals.inc({ reason: 'error' });
          next(new Error('unavailable'));
        },
      );
    });
    this.sweep = setInterval(() => void this.closeEndedSessions(), SESSION_SWEEP_MS);
    this.sweep.unref();
  }

  async handleConnection(socket: VigilSocket): Promise<void> {
    const principal = socket.data.principal;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    this.metrics.sockets.inc();
    // A recovered connection keeps its rooms; joining again is a no-op. Care-home staff added to a home
    // later join its room when their console next connects (a new sign-in or a reload).
    const homes =
      principal.role === 'care-home' ? await this.homes.homesOfStaff(this.db, principal.userId) : [];
    await socket.join(roomsFor(principal, homes));
  }

  handleDisconnect(): void {
    this.metrics.sockets.dec();
  }

  onModuleDestroy(): void {
    if (this.sweep) clearInterval(this.sweep);
  }

  /** Closes this instance's sockets whose session expired or was revoked elsewhere (runs every minute). */
  async closeEndedSessions(): Promise<void> {
    if (!this.server) return;
    try {
      const sockets = await this.server.local.fetchSockets();
      const ids = [
        ...new Set(sockets.map((s) => s.data.principal?.sessionId).filter((x): x is string => !!x)),
      ];
      const live = await this.sessions.stillActive(ids);
      for (const s of sockets) {
        const sid = s.data.principal?.sessionId;
        if (sid && !live.has(sid)) {
          s.emit('session:ended', { reason: 'session expired' });
          s.disconnect(true);
        }
      }
    } catch (error) {
      this.logger.warn(`session sweep failed: ${(error as Error).name}`);
    }
  }
}
