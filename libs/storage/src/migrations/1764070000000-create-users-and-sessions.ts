import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local user accounts, their ward memberships and console sessions (SPEC §5).
 *
 * - Passwords are argon2id hashes; session tokens are stored only as SHA-256 hashes, so a database
 *   read never yields a usable cookie.
 * - A session has an idle expiry (sliding) and an absolute expiry; revocation is a timestamp so the
 *   audit of who was signed in when survives logout.
 */
export class CreateUsersAndSessions1764070000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1764070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        username text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_users PRIMARY KEY (id),
        CONSTRAINT uq_users_username UNIQUE (username),
        CONSTRAINT ck_users_role CHECK (role IN ('nurse', 'coordinator', 'clinician', 'admin'))
      )`);
    await q.query(`
      CREATE TABLE user_wards (
        user_id uuid NOT NULL,
        ward_id uuid NOT NULL,
        CONSTRAINT pk_user_wards PRIMARY KEY (user_id, ward_id),
        CONSTRAINT fk_user_wards_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_user_wards_ward FOREIGN KEY (ward_id) REFERENCES wards (id)
      )`);
    await q.query(`CREATE INDEX ix_user_wards_ward ON user_wards (ward_id)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT pk_sessions PRIMARY KEY (id),
        CONSTRAINT uq_sessions_token_hash UNIQUE (token_hash),
        CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_sessions_user_active ON sessions (user_id) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE user_wards`);
    await q.query(`DROP TABLE users`);
  }
}
