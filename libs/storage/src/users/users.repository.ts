import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import { RegistryError } from '../registry/device-registry.repository';

export const USER_ROLE_VALUES = ['nurse', 'coordinator', 'clinician', 'admin', 'care-home'] as const;
export type UserRoleValue = (typeof USER_ROLE_VALUES)[number];

/** A user account as stored, without its password hash. */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: UserRoleValue;
  wardIds: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRoleValue;
  wardIds: readonly string[];
  password: string;
}

export interface UserChanges {
  displayName?: string;
  role?: UserRoleValue;
  wardIds?: readonly string[];
  disabled?: boolean;
  password?: string;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserRoleValue;
  ward_ids: string[] | null;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const SELECT_USER = `
  SELECT u.id, u.username, u.display_name, u.role, u.disabled, u.created_at, u.updated_at,
         coalesce(array_agg(w.ward_id ORDER BY w.ward_id) FILTER (WHERE w.ward_id IS NOT NULL), '{}') AS ward_ids
  FROM users u LEFT JOIN user_wards w ON w.user_id = u.id`;

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    wardIds: r.ward_ids ?? [],
    disabled: r.disabled,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/**
 * Local user accounts (argon2id password hashes) and their ward memberships. Usable outside Nest: the
 * embedded runtime seeds demo users with it.
 */
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates an account. Refuses a taken username (`conflict`) or an unknown ward (`not-found`). */
  async create(input: NewUser): Promise<UserRecord> {
    if (!USER_ROLE_VALUES.includes(input.role))
      throw new RegistryError('invalid', `unknown role "${input.role}"`);
    const passwordHash = await hash(input.password);
    try {
      const id = await this.dataSource.transaction(async (m) => {
        const rows: { id: string }[] = await m.query(
          `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
          [input.username, input.displayName, input.role, passwordHash],
        );
        const userId = rows[0].id;
        if (input.wardIds.length > 0) {
          await m.query(
            `INSERT INTO user_wards (user_id, ward_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
            [userId, [...input.wardIds]],
          );
        }
        return userId;
      });
      return (await this.findById(id)) as UserRecord;
    } catch (error) {
      throw translate(error, input.username);
    }
  }

  async findById(id: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.dataSource.query(`${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.dataSource.query(
      `${SELECT_USER} WHERE u.username = $1 GROUP BY u.id`,
      [username],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async list(): Promise<UserRecord[]> {
    const rows: UserRow[] = await this.dataSource.query(`${SELECT_USER} GROUP BY u.id ORDER BY u.username`);
    return rows.map(toUser);
  }

  /**
   * The account when the password matches and the account is enabled; null otherwise. An unknown user
   * still costs one argon2 verification so response time does not reveal which usernames exist.
   */
  async verifyPassword(username: string, password: string): Promise<UserRecord | null> {
    const rows: { id: string; password_hash: string; disabled: boolean }[] = await this.dataSource.query(
      `SELECT id, password_hash, disabled FROM users WHERE username = $1`,
      [username],
    );
    const row = rows[0];
    const stored = row?.password_hash ?? (await dummyHash());
    let ok = false;
    try {
      ok = await verify(stored, password);
    } catch {
      ok = false;
    }
    if (!row || !ok || row.disabled) return null;
    return this.findById(row.id);
  }

  /** Applies the changes in one transaction; returns the account after them. */
  async update(id: string, changes: UserChanges): Promise<UserRecord> {
    const passwordHash = changes.password !== undefined ? await hash(changes.password) : undefined;
    try {
      await this.dataSource.transaction(async (m) => {
        const result = await m.query(
          `UPDATE users SET
             display_name = coalesce($2, display_name),
             role = coalesce($3, role),
             disabled = coalesce($4, disabled),
             password_hash = coalesce($5, password_hash),
             updated_at = now()
           WHERE id = $1`,
          [
            id,
            changes.displayName ?? null,
            changes.role ?? null,
            changes.disabled ?? null,
            passwordHash ?? null,
          ],
        );
        if (!(result as [unknown, number])[1]) throw new RegistryError('not-found', 'no user with this id');
        if (changes.wardIds !== undefined) {
          await m.query(`DELETE FROM user_wards WHERE user_id = $1`, [id]);
          if (changes.wardIds.length > 0) {
            await m.query(
              `INSERT INTO user_wards (user_id, ward_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
              [id, [...changes.wardIds]],
            );
          }
        }
      });
    } catch (error) {
      throw translate(error, '');
    }
    return (await this.findById(id)) as UserRecord;
  }
}

let dummy: Promise<string> | null = null;

/** A real argon2id hash of a random string: verifying against it costs the same as a real account. */
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(16).toString('hex'));
  return dummy;
}

function translate(error: unknown, username: string): unknown {
  if (error instanceof RegistryError) return error;
  const code = (error as { code?: string }).code;
  if (code === '23505') return new RegistryError('conflict', `username "${username}" is taken`);
  if (code === '23503') return new RegistryError('not-found', 'unknown ward');
  if (code === '22P02') return new RegistryError('invalid', 'malformed id');
  return error;
}
