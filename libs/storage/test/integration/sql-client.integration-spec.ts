import type { DataSource } from 'typeorm';
import {
  createTestDatabase,
  startPartitionProxy,
  TEST_DATABASE_FLAVOUR,
  type TestDatabase,
} from '@vigil/testing';
import { openDatabase, SqlDatabase, type SqlTransaction } from '../../src/index';

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

  /** Resolves once `condition` holds; fails the test after 5 s. */
  async function until(condition: () => boolean, what: string): Promise<void> {
    for (const deadline = Date.now() + 5000; !condition();) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('statements a transaction issues together, COMMIT included, all reach the server before any answer comes back, and run in the order issued; the connection goes back to the pool as it was', async () => {
    await sql.query(`CREATE TABLE IF NOT EXISTS pipeline_probe (n int)`);
    // A link whose answers can be held back: what the client sends before it hears anything shows in the proxy.
    const proxy = await startPartitionProxy(db.url);
    const via = await openDatabase({ url: proxy.url, poolSize: 1 });
    try {
      const pipelined = new SqlDatabase(via, { statementTimeoutMs: 5000 });
      const [{ pid }] = await pipelined.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      const from = proxy.heard().length;
      proxy.holdAnswers = true;
      const done = pipelined.transaction(
        (tx) => {
          const writes = Promise.all([
            tx.query(`INSERT INTO pipeline_probe VALUES (41)`),
            tx.query(`INSERT INTO pipeline_probe VALUES (42)`),
            tx.query<{ n: number[] }>(`SELECT array_agg(n ORDER BY n) AS n FROM pipeline_probe`),
          ]);
          return Promise.all([writes, tx.commit(writes)]);
        },
        { beginWithFirstStatements: true },
      );
      await until(() => proxy.heard().slice(from).includes('COMMIT'), 'the COMMIT to be sent');
      const sent = proxy.heard().slice(from);
      const at = ['BEGIN', 'VALUES (41)', 'VALUES (42)', 'array_agg', 'COMMIT'].map((s) => sent.indexOf(s));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      proxy.holdAnswers = false;
      const [[, , selected]] = await done;
      // The SELECT ran after both inserts, in the same transaction, which committed.
      expect(selected).toEqual([{ n: [41, 42] }]);
      expect(await sql.query(`SELECT array_agg(n ORDER BY n) AS n FROM pipeline_probe`)).toEqual([
        { n: [41, 42] },
      ]);
      // The same connection serves the next statement (kept, not discarded), out of pipeline mode again.
      expect(await pipelined.query(`SELECT pg_backend_pid() AS pid`)).toEqual([{ pid }]);
      const pool = (
        via.driver as unknown as { master: { connect(): Promise<{ pipeline?: boolean; release(): void }> } }
      ).master;
      const client = await pool.connect();
      expect(client.pipeline).toBe(false);
      client.release();
    } finally {
      await via.destroy().catch(() => undefined);
      await proxy.close();
      await sql.query(`DELETE FROM pipeline_probe`);
    }
  });

  it('without beginWithFirstStatements a statement goes out only once BEGIN has answered', async () => {
    const proxy = await startPartitionProxy(db.url);
    const via = await openDatabase({ url: proxy.url, poolSize: 1 });
    try {
      const plain = new SqlDatabase(via);
      await plain.query(`SELECT 1`);
      const from = proxy.heard().length;
      proxy.holdAnswers = true;
      const done = plain.transaction((tx) => tx.query<{ marker: number }>(`SELECT 4242 AS marker`));
      await until(() => proxy.heard().slice(from).includes('BEGIN'), 'the BEGIN to be sent');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(proxy.heard().slice(from)).not.toContain('4242');
      proxy.holdAnswers = false;
      expect(await done).toEqual([{ marker: 4242 }]);
    } finally {
      await via.destroy().catch(() => undefined);
      await proxy.close();
    }
  });

  it('HZ-15 a statement that fails before a COMMIT issued with it rolls the whole transaction back: the COMMIT rejects with the error of that statement, nothing is kept, and the connection serves the next transaction', async () => {
    await sql.query(`CREATE TABLE IF NOT EXISTS pipeline_probe (n int)`);
    let commit: Promise<void> | undefined;
    const attempt = sql.transaction(
      (tx) => {
        const writes = Promise.all([
          tx.query(`INSERT INTO pipeline_probe VALUES (1)`),
          tx.query(`INSERT INTO pipeline_probe VALUES ('not a number')`),
          tx.query(`INSERT INTO pipeline_probe VALUES (3)`),
        ]);
        commit = tx.commit();
        return writes;
      },
      { beginWithFirstStatements: true },
    );
    await expect(attempt).rejects.toMatchObject({ code: '22P02' }); // invalid_text_representation
    // The COMMIT fails with the statement that rolled the transaction back, not with a message that hides it.
    await expect(commit).rejects.toMatchObject({ code: '22P02' });
    expect(await sql.query(`SELECT count(*)::int AS n FROM pipeline_probe`)).toEqual([{ n: 0 }]);
    // The connection is clean: no transaction left open on it.
    expect(await sql.transaction((tx) => tx.query(`SELECT 7 AS seven`))).toEqual([{ seven: 7 }]);
  });

  it('HZ-15 a statement that fails in this process (a parameter that cannot be sent, or a caller that throws before sending) is never followed by a COMMIT of the others', async () => {
    await sql.query(`CREATE TABLE IF NOT EXISTS pipeline_probe (n int)`);
    const unsendable = {
      toPostgres() {
        throw new Error('this value cannot be sent');
      },
    };
    // The work waits only for the COMMIT, so nothing but the COMMIT's own check stands between a failed statement
    // and a COMMIT of the others.
    const onlyCommit = (issue: (tx: SqlTransaction) => Promise<unknown>) =>
      sql.transaction(
        async (tx) => {
          const writes = issue(tx);
          writes.catch(() => undefined);
          await tx.commit(writes);
        },
        { beginWithFirstStatements: true },
      );
    await expect(
      onlyCommit((tx) =>
        Promise.all([
          tx.query(`INSERT INTO pipeline_probe VALUES (1)`),
          tx.query(`INSERT INTO pipeline_probe VALUES ($1)`, [unsendable]),
        ]),
      ),
    ).rejects.toThrow(/this value cannot be sent/);
    const refused = async (): Promise<void> => {
      throw new Error('a repository failed before it sent its statement');
    };
    await expect(
      onlyCommit((tx) => Promise.all([tx.query(`INSERT INTO pipeline_probe VALUES (2)`), refused()])),
    ).rejects.toThrow(/failed before it sent/);
    expect(await sql.query(`SELECT count(*)::int AS n FROM pipeline_probe`)).toEqual([{ n: 0 }]);
  });

  it('HZ-15 a statement issued after its transaction committed, while it rolls back or after it ended is refused, not run outside the transaction', async () => {
    await sql.query(`CREATE TABLE IF NOT EXISTS pipeline_probe (n int)`);
    let late: Promise<unknown> | undefined;
    await sql.transaction(async (tx) => {
      await tx.commit();
      late = tx.query(`INSERT INTO pipeline_probe VALUES (9)`);
      late.catch(() => undefined);
    });
    await expect(late).rejects.toThrow(/after its transaction's COMMIT/);
    let straggler: Promise<unknown> | undefined;
    await expect(
      sql.transaction(async (tx) => {
        // One branch fails; another goes on and issues a statement once its own (slower) wait is over.
        straggler = new Promise((resolve) => setImmediate(resolve)).then(() =>
          tx.query(`INSERT INTO pipeline_probe VALUES (11)`),
        );
        straggler.catch(() => undefined);
        await Promise.all([straggler, Promise.reject(new Error('one branch failed'))]);
      }),
    ).rejects.toThrow(/one branch failed/);
    await expect(straggler).rejects.toThrow(/after its transaction (rolled back|ended)/);
    let leaked: ((sql: string) => Promise<unknown>) | undefined;
    await sql.transaction(async (tx) => {
      leaked = (text) => tx.query(text);
    });
    await expect(leaked?.(`INSERT INTO pipeline_probe VALUES (10)`)).rejects.toThrow(
      /after its transaction ended/,
    );
    expect(await sql.query(`SELECT count(*)::int AS n FROM pipeline_probe`)).toEqual([{ n: 0 }]);
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
