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
    const ids = (await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        journal.append('vitals', [record(`p${i % 5}`, { n: i, s: 'é"\\' })]),
      ),
    )) as string[];
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

  it('HZ-03 keeps records intact whose JSON spans lines or whose strings hold line breaks (the flush sends them newline-separated)', async () => {
    const journal = new StreamJournalRepository(sql, { topics: ['vitals'], lingerMs: 20 });
    const value = { note: 'line one\nline two\r\n', nested: { list: [1, 2] } };
    const ids = (await Promise.all([
      journal.append('vitals', [
        { key: 'a\nb', json: JSON.stringify(value, null, 2), headers: { h: 'x\ny' } },
      ]),
      journal.append('vitals', [{ key: 'c', json: JSON.stringify(value), headers: {} }]),
    ])) as string[];
    expect(journal.stats.writes).toBe(1);
    const reader = new StreamJournalRepository(sql, { topics: ['vitals'] });
    const replayed = (await reader.pending()).filter((p) => ids.includes(p.id));
    await reader.close();
    expect(replayed).toEqual([
      {
        id: ids[0],
        topic: 'vitals',
        records: [{ key: 'a\nb', json: JSON.stringify(value), headers: { h: 'x\ny' } }],
      },
      { id: ids[1], topic: 'vitals', records: [{ key: 'c', json: JSON.stringify(value), headers: {} }] },
    ]);
    await journal.close();
  });

  it('HZ-03 HZ-28 gives each publish its own wait for the consumers: one arriving just before another is written is not written with it', async () => {
    const journal = new StreamJournalRepository(sql, { topics: ['vitals'], lingerMs: 60, groupLingerMs: 10 });
    let bHandled = false;
    const a = journal.append('vitals', [{ key: 'a', json: '1', headers: {} }], () => false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const b = journal.append('vitals', [{ key: 'b', json: '2', headers: {} }], () => bHandled);
    // A goes to the journal at 60 ms; B, handled 40 ms after it arrived, must not go with it.
    setTimeout(() => (bHandled = true), 40);
    const [idA, idB] = await Promise.all([a, b]);
    expect(idA).not.toBeNull();
    expect(idB).toBeNull();
    expect(journal.stats).toMatchObject({ writes: 1, written: 1 });
    journal.release(idA as string);
    await journal.close();
  });

  it('HZ-03 HZ-28 does not write a publish the consumers handled before its group commit began', async () => {
    const journal = new StreamJournalRepository(sql, { topics: ['vitals'], lingerMs: 20 });
    const before = await journal.count();
    const handledNow = new Set([1, 3]);
    const ids = await Promise.all(
      [0, 1, 2, 3].map((n) =>
        journal.append('vitals', [{ key: `p${n}`, json: String(n), headers: {} }], () => handledNow.has(n)),
      ),
    );
    expect(ids[1]).toBeNull();
    expect(ids[3]).toBeNull();
    expect(ids[0]).not.toBeNull();
    expect(ids[2]).not.toBeNull();
    expect(await journal.count()).toBe(before + 2);
    const rows = await journal.pending();
    expect(rows.filter((r) => r.id === ids[0] || r.id === ids[2]).map((r) => r.records[0].key)).toEqual([
      'p0',
      'p2',
    ]);
    // Every publish handled: no statement at all.
    const writes = journal.stats.writes;
    expect(await journal.append('vitals', [{ key: 'p9', json: '9', headers: {} }], () => true)).toBeNull();
    expect(journal.stats.writes).toBe(writes);
    expect(await journal.count()).toBe(before + 2);
    for (const id of [ids[0], ids[2]]) journal.release(id as string);
    await journal.close();
    expect(await journal.count()).toBe(before);
  });
});
