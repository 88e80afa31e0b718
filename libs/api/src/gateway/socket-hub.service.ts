import { Injectable, Logger } from '@nestjs/common';
import { socketEvents, type ServerToClientEvents } from '@vigil/contracts';
import type { Server } from 'socket.io';

/** Internal rooms used only to find a user's or a session's sockets (never joined on request). */
export const internalRooms = {
  user: (userId: string): string => `user:${userId}`,
  session: (sessionId: string): string => `session:${sessionId}`,
};

/**
 * The socket.io server as the rest of the api sees it. Stream events are pushed to this instance's own
 * sockets only (`local`): every instance consumes `alerts.events` in its own group, so going through
 * the Redis adapter as well would deliver each event once per instance. Ending sessions does go
 * through the adapter, because the logout may reach another instance than the socket.
 */
@Injectable()
export class SocketHub {
  private readonly logger = new Logger('sockets');
  private server: Server<Record<string, never>, ServerToClientEvents> | null = null;

  attach(server: Server<Record<string, never>, ServerToClientEvents>): void {
    this.server = server;
  }

  get attached(): boolean {
    return this.server !== null;
  }

  emit<E extends keyof ServerToClientEvents>(
    rooms: readonly string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    if (!this.server || rooms.length === 0) return;
    this.server.local.to([...rooms]).emit(event, ...args);
  }

  /**
   * An event that starts on this instance (not one consumed from `alerts.events`, which every instance sees):
   * through the adapter, so the sockets of every instance get it once (the SMI timer runs on one instance).
   */
  emitFromHere<E extends keyof ServerToClientEvents>(
    rooms: readonly string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    if (!this.server || rooms.length === 0) return;
    this.server.to([...rooms]).emit(event, ...args);
  }

  broadcast<E extends keyof ServerToClientEvents>(
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.server?.local.emit(event, ...args);
  }

  /** Tells the sockets of one session it ended, then closes them (logout). */
  endSession(sessionId: string, reason: string): void {
    this.close(internalRooms.session(sessionId), reason);
  }

  /** Closes every socket of a user (role or ward change, account disabled). */
  endUser(userId: string, reason: string): void {
    this.close(internalRooms.user(userId), reason);
  }

  private close(room: string, reason: string): void {
    if (!this.server) return;
    this.server.to(room).emit(socketEvents.sessionEnded, { reason });
    this.server.in(room).disconnectSockets(true);
    this.logger.log(`closed sockets: ${reason}`);
  }
}
