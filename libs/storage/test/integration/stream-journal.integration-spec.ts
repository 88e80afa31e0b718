import type { DataSource } from 'typeorm';
import { createTestDatabase, TEST_DATABASE_FLAVOUR, type TestDatabase } from '@vigil/testing';
import { openDatabase, SqlDatabase, StreamJournalRepository } from '../../src/index';

describe(`the stream journal: the embedded mode's durable point (issue 11, ${TEST_DATABASE_FLAVOUR})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('HZ-03 group-commits concurrent publishes (one transaction), keeps them across a restart, and forgets released ones', async () => {
    const journal = new StreamJournalRepository(sql, { topics: ['vitals'], lingerMs: 20 });
    const record = (key: string, value: unknown) => ({
      key,
      json: JSON.stringify(value),
      headers: { h: key },
    });
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        journal.append('vitals', [record(`p${i % 5}`, { n: i, s: 'é"\\' })]),
      ),
    );
    expect(new Set(ids).size).toBe(50);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b)); // ids follow the call order
    expect(journal.stats.flushes).toBeLessThanOrEqual(2);
    journal.release(ids[0]);
    journal.release(ids[1]);
    await journal.close();

    // A new process: what was not released is replayed, in order, values intact.
    const again = new StreamJournalRepository(sql, { topics: ['vitals'] });
    const pending = await again.pending();
    expect(pending).toHaveLength(48);
    expect(pending[0]).toEqual({ id: ids[2], topic: 'vitals', records: [record('p2', { n: 2, s: 'é"\\' })] });
    for (const p of pending) again.release(p.id);
    await again.append('vitals', [record('p9', 1)]); // releases are deleted in the next append's transaction
    expect(await again.count()).toBe(1);
    await again.close();
  });
});
