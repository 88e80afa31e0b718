import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SessionsRepository, type SessionLimits } from '@vigil/storage';
import {
  API_OPTIONS,
  type ApiModuleOptions,
  DEFAULT_SESSION_ABSOLUTE_HOURS,
  DEFAULT_SESSION_IDLE_MINUTES,
} from '../api.options';
import type { AuthenticatedUser } from './auth-provider';
import type { Principal } from './principal';

const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Issues, resolves and revokes console sessions (opaque random tokens, stored hashed), and deletes those
 * that ended more than `sessionRetentionDays` ago, at start and hourly.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  readonly limits: SessionLimits;
  private readonly retentionMs: number;
  private purgeTimer: NodeJS.Timeout | null = null;
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(API_OPTIONS) options: ApiModuleOptions,
  ) {
    this.limits = {
      idleMs: (options.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES) * 60_000,
      absoluteMs: (options.sessionAbsoluteHours ?? DEFAULT_SESSION_ABSOLUTE_HOURS) * 3_600_000,
    };
    this.retentionMs = (options.sessionRetentionDays ?? 30) * 24 * 3_600_000;
  }

  onModuleInit(): void {
    void this.purgeEnded();
    this.purgeTimer = setInterval(() => void this.purgeEnded(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
  }

  /** Deletes sessions that ended more than the retention ago; returns how many. Never throws. */
  async purgeEnded(now = new Date()): Promise<number> {
    try {
      return await this.sessions.purgeEnded(now, this.retentionMs);
    } catch (error) {
      this.logger.warn(
        `could not purge ended sessions: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 0;
    }
  }

  /** Starts a session; returns the token for the cookie (the database keeps only its hash). */
  async start(user: AuthenticatedUser): Promise<{ token: string; principal: Principal }> {
    const token = randomBytes(32).toString('base64url');
    const sessionId = await this.sessions.create(user.userId, token, new Date(), this.limits);
    return { token, principal: { ...user, sessionId } };
  }

  /** The caller behind a token, sliding the idle expiry; null when unknown, expired, revoked or disabled. */
  async resolve(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 200) return null;
    const s = await this.sessions.touch(token, new Date(), this.limits);
    if (!s) return null;
    return {
      userId: s.userId,
      username: s.username,
      displayName: s.displayName,
      role: s.role,
      wardIds: s.wardIds,
      sessionId: s.sessionId,
    };
  }

  stillActive(sessionIds: readonly string[]): Promise<Set<string>> {
    return this.sessions.stillActive(sessionIds, new Date());
  }

  async end(token: string): Promise<void> {
    await this.sessions.revokeToken(token, new Date());
  }

  async endAllFor(userId: string): Promise<void> {
    await this.sessions.revokeAllForUser(userId, new Date());
  }
}
