import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { UserRoleValue } from './users.repository';

export interface SessionLimits {
  /** Sliding idle expiry. */
  idleMs: number;
  /** Hard limit from sign-in, whatever the activity. */
  absoluteMs: number;
}

/** An active session and the account behind it. */
export interface ActiveSession {
  sessionId: string;
  userId: string;
  username: string;
  displayName: string;
  role: UserRoleValue;
  wardIds: string[];
  createdAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** Tokens are stored as SHA-256: they are 256-bit random, so a fast hash is enough and lookups stay indexed. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Console sessions: opaque tokens, stored hashed, with idle and absolute expiry. */
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(userId: string, token: string, now: Date, limits: SessionLimits): Promise<string> {
    const absolute = new Date(now.getTime() + limits.absoluteMs);
    const idle = new Date(Math.min(now.getTime() + limits.idleMs, absolute.getTime()));
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $3, $4, $5) RETURNING id`,
      [userId, hashSessionToken(token), now, idle, absolute],
    );
    return rows[0].id;
  }

  /**
   * The session for this token if it is neither revoked nor expired and its account is enabled; the idle
   * expiry slides forward (never past the absolute expiry) in the same statement.
   */
  async touch(token: string, now: Date, limits: SessionLimits): Promise<ActiveSession | null> {
    const rows: {
      id: string;
      user_id: string;
      username: string;
      display_name: string;
      role: UserRoleValue;
      ward_ids: string[];
      created_at: Date;
      idle_expires_at: Date;
      absolute_expires_at: Date;
    }[] = await this.dataSource.query(
      `WITH s AS (
         UPDATE sessions SET last_seen_at = $2,
           idle_expires_at = LEAST($2::timestamptz + make_interval(secs => $3::float8 / 1000), absolute_expires_at)
         WHERE token_hash = $1 AND revoked_at IS NULL AND idle_expires_at > $2 AND absolute_expires_at > $2
         RETURNING id, user_id, created_at, idle_expires_at, absolute_expires_at)
       SELECT s.id, s.user_id, s.created_at, s.idle_expires_at, s.absolute_expires_at, u.username, u.display_name,
              u.role,
              coalesce((SELECT array_agg(w.ward_id ORDER BY w.ward_id) FROM user_wards w WHERE w.user_id = u.id),
                       '{}') AS ward_ids
       FROM s JOIN users u ON u.id = s.user_id AND NOT u.disabled`,
      [hashSessionToken(token), now, limits.idleMs],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      sessionId: r.id,
      userId: r.user_id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      wardIds: r.ward_ids ?? [],
      createdAt: new Date(r.created_at),
      idleExpiresAt: new Date(r.idle_expires_at),
      absoluteExpiresAt: new Date(r.absolute_expires_at),
    };
  }

  /** The ids among `sessionIds` that are still live at `now` (no sliding: a socket alone keeps no session alive). */
  async stillActive(sessionIds: readonly string[], now: Date): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id AND NOT u.disabled
       WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2`,
      [[...sessionIds], now],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Revokes one session by its token; true when a live session was revoked. */
  async revokeToken(token: string, now: Date): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hashSessionToken(token), now],
    );
    return Boolean((result as [unknown, number])[1]);
  }

  /** Revokes every session of a user (role or ward change, account disabled). Returns how many. */
  async revokeAllForUser(userId: string, now: Date): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, now],
    );
    return Number((result as [unknown, number])[1] ?? 0);
  }

  /** Deletes sessions that ended more than `olderThanMs` ago (housekeeping). */
  async purgeEnded(now: Date, olderThanMs: number): Promise<number> {
    const cutoff = new Date(now.getTime() - olderThanMs);
    const result = await this.dataSource.query(
      `DELETE FROM sessions WHERE coalesce(revoked_at, LEAST(idle_expires_at, absolute_expires_at)) < $1`,
      [cutoff],
    );
    return Number((result as [unknown, number])[1] ?? 0);
  }
}
