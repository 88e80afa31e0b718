import type { DataSource } from 'typeorm';
import {
  createTestDatabase,
  startPartitionProxy,
  TEST_DATABASE_FLAVOUR,
  type TestDatabase,
} from '@vigil/testing';
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

  it('HZ-14 a bounded transaction whose statement runs too long is cancelled by the server and rolled back; the connection is kept', async () => {
    await sql.query(`CREATE TABLE IF NOT EXISTS bounded_probe (n int)`);
    const bounded = new SqlDatabase(ds, { statementTimeoutMs: 300 });
    const started = Date.now();
    const attempt = bounded.transaction(async (tx) => {
      await tx.query(`INSERT INTO bounded_probe VALUES (1)`);
      await tx.query(`SELECT pg_sleep(5)`);
    });
    await expect(attempt).rejects.toMatchObject({ code: '57014' }); // query_canceled: statement timeout
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await sql.query(`SELECT count(*)::int AS n FROM bounded_probe`)).toEqual([{ n: 0 }]);
    // The bound is the transaction's own (SET LOCAL): the pool's connections keep the server's default.
    const [{ statement_timeout: after }] = await sql.transaction((tx) =>
      tx.query<{ statement_timeout: string }>(`SHOW statement_timeout`),
    );
    expect(after).toBe('0');
    expect(await bounded.transaction((tx) => tx.query(`SELECT 2 AS two`))).toEqual([{ two: 2 }]);
    expect(() => new SqlDatabase(ds, { statementTimeoutMs: 0 })).toThrow(RangeError);
  });

  it('HZ-14 a database that stops answering without resetting the connection fails the bounded statement, and its connection is discarded', async () => {
    // A TCP proxy in front of PostgreSQL that can swallow every packet both ways (a network partition).
    const proxy = await startPartitionProxy(db.url);
    const partitioned = await openDatabase({ url: proxy.url, poolSize: 2 });
    try {
      const bounded = new SqlDatabase(partitioned, { statementTimeoutMs: 200 });
      expect(await bounded.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
      proxy.swallow = true;
      const started = Date.now();
      await expect(bounded.transaction((tx) => tx.query(`SELECT 1`))).rejects.toThrow(/Query read timeout/);
      await expect(bounded.query(`SELECT 1`)).rejects.toThrow(/Query read timeout/);
      expect(Date.now() - started).toBeLessThan(5000);
      proxy.swallow = false;
      // Both stuck connections were discarded, not returned to the pool: new ones answer.
      for (let i = 0; i < 4; i += 1) expect(await bounded.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      proxy.swallow = false;
      await partitioned.destroy().catch(() => undefined);
      await proxy.close();
    }
  });
});
