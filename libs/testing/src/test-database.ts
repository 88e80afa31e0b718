import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server integration tests use: the real one on this machine unless told otherwise. */
export const TEST_DATABASE_SERVER_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Which server {@link TEST_DATABASE_SERVER_URL} is (jest.databases.cjs runs integration tests on both). */
export type TestDatabaseFlavour = 'postgresql' | 'timescaledb';

export const TEST_DATABASE_FLAVOUR: TestDatabaseFlavour =
  process.env['TEST_DATABASE_FLAVOUR'] === 'timescaledb' ? 'timescaledb' : 'postgresql';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  name: string;
  /** Drops the database (terminating any connections left open). */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates an empty database with a unique name on the real PostgreSQL server, for one test file
 * or run. Callers apply migrations themselves (`openDatabase` from `@vigil/storage`).
 */
export async function createTestDatabase(prefix = 'vigil_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(TEST_DATABASE_SERVER_URL, name),
    async drop() {
      const c = new Client({ connectionString: TEST_DATABASE_SERVER_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
