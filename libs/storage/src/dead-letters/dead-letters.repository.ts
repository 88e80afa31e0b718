import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEAD_LETTER_RAW_PREFIX_BYTES, type RejectionReason } from '@vigil/contracts';
import { SqlDatabase, type SqlClient } from '../timeseries/sql-client';

export interface NewDeadLetter {
  receivedAt: Date;
  topic: string;
  deviceId: string | null;
  reason: RejectionReason;
  detail: string;
  measurementIndex: number | null;
  /** The payload as received; only its first `DEAD_LETTER_RAW_PREFIX_BYTES` bytes are kept, with its size and hash. */
  raw: Buffer;
  /**
   * For a payload that was never read whole (the broker refused the packet by its announced size): that
   * size. `raw` is then whatever was read (often nothing) and no hash is stored.
   */
  announcedSize?: number;
}

export interface StoredDeadLetter {
  id: string;
  receivedAt: Date;
  topic: string;
  deviceId: string | null;
  reason: RejectionReason;
  detail: string;
  measurementIndex: number | null;
  /** The payload, or its first `DEAD_LETTER_RAW_PREFIX_BYTES` bytes (see `rawSize`). */
  raw: Buffer;
  rawSize: number;
  /** SHA-256 of the whole payload (null when it was never read whole). */
  rawSha256: Buffer | null;
}

/** One page of dead letters, newest first; `nextCursor` fetches the next (older) page, null at the end. */
export interface DeadLetterPage {
  items: StoredDeadLetter[];
  nextCursor: string | null;
}

/** Thrown for a cursor this repository did not issue. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

const MAX_PAGE = 1000;

/**
 * Inserts dead letters in one statement through any {@link SqlClient} (the repository's writes, or the scorer's
 * database for the stream records it set aside); returns their ids in order.
 */
export async function insertDeadLetters(
  client: SqlClient,
  records: readonly NewDeadLetter[],
): Promise<string[]> {
  if (records.length === 0) return [];
  const params: unknown[] = [];
  // A batch's rejections share one payload: hash it once.
  const hashes = new Map<Buffer, Buffer>();
  const rows = records.map((r, i) => {
    const whole = r.announcedSize === undefined;
    let sha: Buffer | null = null;
    if (whole) {
      sha = hashes.get(r.raw) ?? createHash('sha256').update(r.raw).digest();
      hashes.set(r.raw, sha);
    }
    params.push(
      r.receivedAt,
      textSafe(r.topic),
      r.deviceId === null ? null : textSafe(r.deviceId),
      r.reason,
      textSafe(r.detail),
      r.measurementIndex,
      r.raw.subarray(0, DEAD_LETTER_RAW_PREFIX_BYTES),
      Math.max(r.announcedSize ?? r.raw.length, Math.min(r.raw.length, DEAD_LETTER_RAW_PREFIX_BYTES)),
      sha,
    );
    const b = i * 9;
    return `(${Array.from({ length: 9 }, (_, k) => `$${b + k + 1}`).join(', ')})`;
  });
  const result = await client.query<{ id: string }>(
    `INSERT INTO dead_letters (received_at, topic, device_id, reason, detail, measurement_index, raw, raw_size, raw_sha256)
     VALUES ${rows.join(', ')} RETURNING id`,
    params,
  );
  return result.map((r) => r.id);
}

/** The dead-letter store: every rejected device message or measurement, with its reason and raw bytes. */
export class DeadLettersRepository {
  private readonly writes: SqlClient;

  /** `writes`: where `insertMany` writes (ingest passes a {@link SqlDatabase} with its statement bound). */
  constructor(
    private readonly dataSource: DataSource,
    writes?: SqlClient,
  ) {
    this.writes = writes ?? new SqlDatabase(dataSource);
  }

  /** Inserts many in one statement; returns their ids in order. */
  insertMany(records: readonly NewDeadLetter[]): Promise<string[]> {
    return insertDeadLetters(this.writes, records);
  }

  /**
   * Newest first, at most `limit` (default 100, at most 1000) per page; pass the returned `nextCursor` as
   * `cursor` for the next page. Paging is by (received_at, id), so rows arriving meanwhile never shift it.
   */
  async list(
    filter: { limit?: number; deviceId?: string; reason?: RejectionReason; cursor?: string } = {},
  ): Promise<DeadLetterPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.deviceId) where.push(`device_id = $${params.push(filter.deviceId)}`);
    if (filter.reason) where.push(`reason = $${params.push(filter.reason)}`);
    if (filter.cursor) {
      const after = decodeCursor(filter.cursor);
      where.push(`(received_at, id) < ($${params.push(after.receivedAt)}, $${params.push(after.id)}::uuid)`);
    }
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), MAX_PAGE);
    const rows: {
      id: string;
      received_at: Date;
      topic: string;
      device_id: string | null;
      reason: RejectionReason;
      detail: string;
      measurement_index: number | null;
      raw: Buffer;
      raw_size: number;
      raw_sha256: Buffer | null;
    }[] = await this.dataSource.query(
      `SELECT id, received_at, topic, device_id, reason, detail, measurement_index, raw, raw_size, raw_sha256
       FROM dead_letters
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      topic: r.topic,
      deviceId: r.device_id,
      reason: r.reason,
      detail: r.detail,
      measurementIndex: r.measurement_index,
      raw: r.raw,
      rawSize: r.raw_size,
      rawSha256: r.raw_sha256,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null };
  }

  async count(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM dead_letters`);
    return (row as { n: number }).n;
  }
}

/**
 * PostgreSQL text cannot hold U+0000, and a detail often quotes the bad input (a JSON parse error
 * names the offending character). Escape it rather than lose the dead letter; `raw` keeps the bytes.
 */
function textSafe(value: string): string {
  return value.split(String.fromCharCode(0)).join('\\u0000');
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(`${new Date(receivedAt).toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(receivedAt.getTime())) {
    throw new InvalidCursorError('cursor: not a cursor this list returned');
  }
  return { receivedAt, id };
}
