import { GroupCommit } from '../database/group-commit';
import type { SqlDatabase } from '../timeseries/sql-client';

/** How late the hold timer fires on purpose, to release a few milliseconds of publishes at once. */
const HOLD_TICK_MS = 5;

interface JournalAppend {
  topic: string;
  records: readonly JournalRecordRow[];
  handled?: () => boolean;
}

/**
 * The records of one publish as one JSON array, their values spliced in as they are (already JSON text), on
 * one line: a raw line break in JSON can only be whitespace between tokens (one inside a string is escaped),
 * so it is replaced by a space and the flush can send every publish in one newline-separated parameter.
 */
function recordsText(records: readonly JournalRecordRow[]): string {
  const text = `[${records
    .map((r) => `{"key":${JSON.stringify(r.key)},"value":${r.json},"headers":${JSON.stringify(r.headers)}}`)
    .join(',')}]`;
  return text.includes('\n') ? text.replace(/\n/g, ' ') : text;
}

/** One published record as the journal keeps it (the shape `@vigil/stream`'s `StreamJournal` uses). */
export interface JournalRecordRow {
  key: string;
  /** The value as JSON text. */
  json: string;
  headers: Record<string, string>;
}

export interface StreamJournalOptions {
  /** Topics journaled (the embedded runtime journals the vitals topic). */
  topics: readonly string[];
  /**
   * How long a publish that can tell whether it was handled (the stream's `handled`) waits, from its own
   * arrival, for every consumer group to commit it before it is journaled (default 80 ms). One they committed
   * meanwhile is durable where the consumer put it and is not written at all, so a wait longer than the
   * scorer's usual commit time spares most journal writes while the scorer keeps up; with `groupLingerMs` it
   * bounds how long a PUBACK waits when the scorer does not. A publish without `handled` is not held.
   */
  lingerMs?: number;
  /** Group commit of the publishes to write: how long the first waits for company (default 20 ms). */
  groupLingerMs?: number;
  maxPublishes?: number;
  /** How often released publishes are deleted when nothing is being appended (default 1 s). */
  releaseEveryMs?: number;
}

/**
 * The in-process stream's durable journal over PostgreSQL (issue 11): the embedded mode's durable point.
 * Publish calls are group-committed — many devices' messages in one transaction, one row per call with its
 * records — and each publish resolves after that commit, so ingest PUBACKs once its readings are on disk,
 * without waiting for the scorer. Rows are deleted once every consumer group committed their records
 * (released ids are deleted in the next append transaction, or by a timer when idle). A publish every group
 * committed within its own wait (`lingerMs` from its arrival) or before its flush began is not written at
 * all: while the scorer keeps up, its own commit is the durable point and the journal costs no transaction.
 * At start, what is still held is replayed into the stream. Plain SQL, one statement per flush.
 */
export class StreamJournalRepository {
  readonly topics: readonly string[];
  private readonly appends: GroupCommit<JournalAppend, string | null>;
  private released: string[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: SqlDatabase,
    options: StreamJournalOptions,
  ) {
    this.topics = [...options.topics];
    this.holdMs = options.lingerMs ?? 80;
    this.appends = new GroupCommit({
      lingerMs: options.groupLingerMs ?? 20,
      maxItems: options.maxPublishes ?? 2000,
      flush: (items) => this.flush(items),
    });
    this.timer = setInterval(() => {
      if (this.released.length > 0 && this.appends.pending === 0 && this.held.length === 0)
        void this.deleteReleased().catch(() => {});
    }, options.releaseEveryMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Group commits, publishes they took, failed ones (`flushes`, `items`, `failures`), and of those the
   * publishes written and the INSERTs made (`written`, `writes`): the rest had been handled before their turn.
   */
  get stats(): { flushes: number; items: number; failures: number; written: number; writes: number } {
    return { ...this.appends.stats, written: this.written, writes: this.writes };
  }

  private written = 0;
  private writes = 0;

  /**
   * Journals one publish call; resolves with its row id once committed, or with `null`, without writing it,
   * when `handled()` says that every consumer group already committed it: after the publish's own wait
   * (`lingerMs`), or at the start of its group commit.
   */
  append(
    topic: string,
    records: readonly JournalRecordRow[],
    handled?: () => boolean,
  ): Promise<string | null> {
    // Encoded only if written (most publishes are handled before their turn).
    const item: JournalAppend = { topic, records, handled };
    if (!handled || this.holdMs === 0) return this.appends.add([item]).then(([id]) => id);
    return new Promise<string | null>((resolve, reject) => {
      this.held.push({ at: performance.now(), item, resolve, reject });
      this.armHold();
    });
  }

  /**
   * Publishes waiting for their consumers, oldest first. Each waits from its own arrival: were they grouped as
   * they arrived, the flush would come `lingerMs` after the first of a group and write the later ones, which
   * had had less time (at 1,000 readings/s that wrote about 70% of the publishes, 150 kB a flush).
   */
  private readonly held: {
    at: number;
    item: JournalAppend;
    resolve: (id: string | null) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private readonly holdMs: number;
  private holdTimer: NodeJS.Timeout | null = null;

  private armHold(): void {
    if (this.holdTimer || this.held.length === 0) return;
    // A few ms late on purpose, so one timer releases the publishes of that span together.
    const wait = Math.max(0, this.held[0].at + this.holdMs - performance.now()) + HOLD_TICK_MS;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      this.releaseHeld(false);
    }, wait);
  }

  /** Moves the publishes that waited long enough (or all) on: resolved if handled, else to the group commit. */
  private releaseHeld(all: boolean): void {
    const now = performance.now();
    while (this.held.length > 0 && (all || now - this.held[0].at >= this.holdMs)) {
      const h = this.held.shift() as (typeof this.held)[number];
      if (h.item.handled?.()) h.resolve(null);
      else
        this.appends.add([h.item]).then(
          ([id]) => h.resolve(id),
          (error: unknown) => h.reject(error),
        );
    }
    this.armHold();
  }

  release(id: string): void {
    this.released.push(id);
  }

  async pending(): Promise<{ id: string; topic: string; records: JournalRecordRow[] }[]> {
    const rows = await this.db.query<{ id: string; topic: string; records: string }>(
      `SELECT id::text AS id, topic, records FROM stream_journal ORDER BY stream_journal.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      topic: row.topic,
      records: (
        JSON.parse(row.records) as { key: string; value: unknown; headers: Record<string, string> }[]
      ).map((r) => ({ key: r.key, json: JSON.stringify(r.value), headers: r.headers ?? {} })),
    }));
  }

  /** Rows held (not yet released and deleted). */
  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM stream_journal`);
    return Number(row.n);
  }

  /** Writes what waits and deletes what was released; stops the idle timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.releaseHeld(true); // leaves nothing held, so it arms no timer
    await this.appends.drain();
    if (this.released.length > 0) await this.deleteReleased();
  }

  private async flush(items: readonly JournalAppend[]): Promise<(string | null)[]> {
    // Publishes the consumers committed while they waited are durable already (issue 11): not written.
    const write = items.filter((item) => !item.handled?.());
    if (write.length === 0) return items.map(() => null);
    const release = this.takeReleased();
    try {
      // One statement — atomic on its own — instead of BEGIN, DELETE, INSERT, COMMIT: a flush per few
      // milliseconds under load, so its round trips were a good part of ingest's database time (issue 11).
      // The records go as one newline-separated text, not a text[]: an array's every quote would be escaped
      // by node-postgres and unescaped by the server, on some 150 kB a flush at 1,000 readings/s.
      const rows = await this.db.query<{ id: string }>(
        `WITH released AS (DELETE FROM stream_journal WHERE id = ANY($3::bigint[]))
         INSERT INTO stream_journal (topic, records)
         SELECT t, r FROM unnest($1::text[], string_to_array($2::text, E'\\n')) WITH ORDINALITY AS u(t, r, n)
         ORDER BY n
         RETURNING id::text AS id`,
        [write.map((i) => i.topic), write.map((i) => recordsText(i.records)).join('\n'), release],
      );
      this.writes += 1;
      this.written += write.length;
      // Ids come from the sequence in insertion order, which is the array order.
      const ids = rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const byItem = new Map(write.map((item, i) => [item, ids[i]]));
      return items.map((item) => byItem.get(item) ?? null);
    } catch (error) {
      this.released.push(...release);
      throw error;
    }
  }

  private takeReleased(): string[] {
    const out = this.released;
    this.released = [];
    return out;
  }

  private async deleteReleased(): Promise<void> {
    const release = this.takeReleased();
    try {
      await this.db.query(`DELETE FROM stream_journal WHERE id = ANY($1::bigint[])`, [release]);
    } catch (error) {
      this.released.push(...release);
      throw error;
    }
  }
}
