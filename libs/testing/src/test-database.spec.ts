import { Client } from 'pg';
import { createTestDatabase } from './test-database';

async function exists(url: string, name: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('createTestDatabase (real PostgreSQL)', () => {
  it('creates a fresh, usable database and drops it even with a connection left open', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    expect(a.name).not.toBe(b.name);
    const c = new Client({ connectionString: a.url });
    // The drop terminates this connection on purpose; the client reports that as an error event.
    c.on('error', () => undefined);
    await c.connect();
    const r = await c.query('SELECT current_database() AS db');
    expect(r.rows[0].db).toBe(a.name);
    expect(await exists(a.url, a.name)).toBe(true);
    await a.drop();
    await c.end().catch(() => undefined);
    await b.drop();
    expect(await exists(a.url, a.name)).toBe(false);
    expect(await exists(b.url, b.name)).toBe(false);
  });
});
