import type { DataSource } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_FLAVOUR, type TestDatabase } from '@vigil/testing';
import { openDatabase, SqlDatabase } from '../../src/index';

describe(`SqlDatabase on the pg pool (${TEST_DATABASE_FLAVOUR})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 2 });
    sql = new SqlDatabase(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('HZ-14 a connection killed while its transaction waits fails that transaction, never the process, and the pool goes on', async () => {
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = sql.transaction(async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
        // The transaction waits on something else (the stream, say) while its server process is killed.
        await sql.query(`SELECT pg_terminate_backend($1)`, [pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.query(`SELECT 1`);
      });
      await expect(attempt).rejects.toThrow(/terminat|connection/i);
      expect(uncaught).toEqual([]);
      // The broken connection was discarded: the pool serves the next statements.
      for (let i = 0; i < 4; i += 1) {
        expect(await sql.query<{ one: number }>(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
