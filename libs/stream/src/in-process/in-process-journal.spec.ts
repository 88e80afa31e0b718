import { deferred } from '../internal/deferred';
import { InProcessStream, type JournalRecord, type StreamJournal } from './in-process-stream';

/** A journal in memory whose commits the test opens by hand (a unit test of the stream alone). */
class FakeJournal implements StreamJournal {
  readonly topics = ['vitals'];
  held = new Map<string, { topic: string; records: JournalRecord[] }>();
  released: string[] = [];
  private next = 1;
  private gates: (() => void)[] = [];
  holdCommits = false;
  fail: Error | null = null;

  /** Publishes not written because the stream said they were handled when their commit began. */
  skipped = 0;

  append(topic: string, records: readonly JournalRecord[], handled?: () => boolean): Promise<string | null> {
    const commit = () => {
      if (handled?.()) {
        this.skipped += 1;
        return null;
      }
      const id = String(this.next++);
      this.held.set(id, { topic, records: [...records] });
      return id;
    };
    if (this.fail) return Promise.reject(this.fail);
    if (!this.holdCommits) return Promise.resolve(commit());
    return new Promise((resolve) => this.gates.push(() => resolve(commit())));
  }
  release(id: string): void {
    this.released.push(id);
    this.held.delete(id);
  }
  async pending() {
    return [...this.held].map(([id, h]) => ({ id, ...h }));
  }
  openCommits(): void {
    for (const gate of this.gates.splice(0)) gate();
  }
}

/** Subscribes group `scorer` to `vitals`, recording every value it is handed; each batch waits for `until`. */
async function recordingScorer(stream: InProcessStream, until?: Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  await stream.subscribe({
    topic: 'vitals',
    groupId: 'scorer',
    handle: async (batch) => {
      seen.push(...batch.records.map((r) => r.value));
      await until;
    },
  });
  return seen;
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i += 1) await new Promise((r) => setTimeout(r, 2));
}

describe('InProcessStream with a journal (issue 11: the PUBACK does not wait for the scorer)', () => {
  const streams: InProcessStream[] = [];
  const open = (journal: StreamJournal) => {
    const s = new InProcessStream({ journal, partitions: 2, retry: { initialDelayMs: 1, maxDelayMs: 2 } });
    streams.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  it('HZ-03 resolves a publish once the journal committed it, while the consumer is still busy', async () => {
    const journal = new FakeJournal();
    const stream = open(journal);
    const busy = deferred<void>();
    const seen = await recordingScorer(stream, busy.promise);
    await stream.publish('vitals', [{ key: 'p1', value: { n: 1 } }]);
    expect(journal.held.size).toBe(1);
    expect(journal.released).toEqual([]); // not committed by the consumer yet: still held
    busy.resolve();
    await waitUntil(() => journal.released.length > 0);
    expect(seen).toEqual([{ n: 1 }]);
    expect(journal.released).toEqual(['1']); // every group committed: forgotten
  });

  it('HZ-03 HZ-28 resolves a publish once every group committed it, and the journal then does not write it', async () => {
    const journal = new FakeJournal();
    journal.holdCommits = true; // the journal's group commit has not begun
    const stream = open(journal);
    const seen = await recordingScorer(stream);
    await stream.subscribe({ topic: 'vitals', groupId: 'audit', handle: async () => undefined });
    await stream.publish('vitals', [
      { key: 'p1', value: 1 },
      { key: 'p2', value: 2 },
    ]);
    expect(seen.sort()).toEqual([1, 2]);
    journal.openCommits();
    await new Promise((r) => setTimeout(r, 5));
    expect(journal.skipped).toBe(1);
    expect(journal.held.size).toBe(0);
    expect(journal.released).toEqual([]);
  });

  it('HZ-03 HZ-28 waits for the journal while any group has not committed, and writes it then', async () => {
    const journal = new FakeJournal();
    journal.holdCommits = true;
    const stream = open(journal);
    const busy = deferred<void>();
    await stream.subscribe({ topic: 'vitals', groupId: 'scorer', handle: async () => undefined });
    await stream.subscribe({ topic: 'vitals', groupId: 'slow', handle: () => busy.promise });
    let resolved = false;
    const publish = stream.publish('vitals', [{ key: 'p1', value: 1 }]).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(resolved).toBe(false); // one group committed, the other not: not durable yet
    journal.openCommits();
    await publish;
    expect(journal.skipped).toBe(0);
    expect(journal.held.size).toBe(1);
    busy.resolve();
    await waitUntil(() => journal.released.length > 0);
    expect(journal.released).toEqual(['1']);
  });

  it('HZ-03 does not resolve before the journal commit, and rejects when the journal fails', async () => {
    const journal = new FakeJournal();
    journal.holdCommits = true;
    const stream = open(journal);
    let resolved = false;
    const publish = stream.publish('vitals', [{ key: 'p1', value: 1 }]).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(resolved).toBe(false);
    journal.openCommits();
    await publish;
    expect(resolved).toBe(true);
    journal.fail = new Error('database down');
    await expect(stream.publish('vitals', [{ key: 'p1', value: 2 }])).rejects.toThrow('database down');
  });

  it('keeps the commit-wait behaviour for topics it does not journal', async () => {
    const journal = new FakeJournal();
    const stream = open(journal);
    const busy = deferred<void>();
    await stream.subscribe({ topic: 'other', groupId: 'g', handle: () => busy.promise });
    let resolved = false;
    const publish = stream.publish('other', [{ key: 'k', value: 1 }]).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(resolved).toBe(false);
    expect(journal.held.size).toBe(0);
    busy.resolve();
    await publish;
  });

  it('HZ-03 replays what the journal still held at start to the first group, in order per key', async () => {
    const journal = new FakeJournal();
    const first = open(journal);
    // No consumer in the first life: the publishes are journaled and never committed (a crash).
    await first.publish('vitals', [
      { key: 'p1', value: 1 },
      { key: 'p2', value: 'a' },
    ]);
    await first.publish('vitals', [{ key: 'p1', value: 2 }]);
    const second = open(journal);
    expect(await second.recover()).toBe(3);
    const got: Record<string, unknown[]> = {};
    await second.subscribe({
      topic: 'vitals',
      groupId: 'scorer',
      handle: async (batch) => {
        for (const r of batch.records) (got[r.key] ??= []).push(r.value);
      },
    });
    await waitUntil(() => journal.held.size === 0);
    expect(got).toEqual({ p1: [1, 2], p2: ['a'] });
    expect(journal.held.size).toBe(0);
  });

  it('reports the lag and the age of the oldest record not yet committed', async () => {
    const journal = new FakeJournal();
    const stream = open(journal);
    const busy = deferred<void>();
    await stream.subscribe({ topic: 'vitals', groupId: 'scorer', handle: () => busy.promise });
    await stream.publish('vitals', [
      { key: 'p1', value: 1 },
      { key: 'p1', value: 2 },
    ]);
    await new Promise((r) => setTimeout(r, 15));
    const [consumer] = stream.health().consumers;
    expect(consumer.lag).toBe(2);
    expect(consumer.oldestPendingAgeMs).toBeGreaterThanOrEqual(10);
    busy.resolve();
  });
});
