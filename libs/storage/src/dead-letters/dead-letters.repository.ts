import type { DataSource } from 'typeorm';
import type { RejectionReason } from '@vigil/contracts';

export interface NewDeadLetter {
  receivedAt: Date;
  topic: string;
  deviceId: string | null;
  reason: RejectionReason;
  detail: string;
  measurementIndex: number | null;
  raw: Buffer;
}

export interface StoredDeadLetter extends NewDeadLetter {
  id: string;
}

/** The dead-letter store: every rejected device message or measurement, with its reason and raw bytes. */
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts many in one statement; returns their ids in order. */
  async insertMany(records: readonly NewDeadLetter[]): Promise<string[]> {
    if (records.length === 0) return [];
    const params: unknown[] = [];
    const rows = records.map((r, i) => {
      params.push(
        r.receivedAt,
        textSafe(r.topic),
        r.deviceId,
        r.reason,
        textSafe(r.detail),
        r.measurementIndex,
        r.raw,
      );
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    const result: { id: string }[] = await this.dataSource.query(
      `INSERT INTO dead_letters (received_at, topic, device_id, reason, detail, measurement_index, raw)
       VALUES ${rows.join(', ')} RETURNING id`,
      params,
    );
    return result.map((r) => r.id);
  }

  async list(
    filter: { limit?: number; deviceId?: string; reason?: RejectionReason } = {},
  ): Promise<StoredDeadLetter[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.deviceId) where.push(`device_id = $${params.push(filter.deviceId)}`);
    if (filter.reason) where.push(`reason = $${params.push(filter.reason)}`);
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const rows: {
      id: string;
      received_at: Date;
      topic: string;
      device_id: string | null;
      reason: RejectionReason;
      detail: string;
      measurement_index: number | null;
      raw: Buffer;
    }[] = await this.dataSource.query(
      `SELECT id, received_at, topic, device_id, reason, detail, measurement_index, raw FROM dead_letters
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      topic: r.topic,
      deviceId: r.device_id,
      reason: r.reason,
      detail: r.detail,
      measurementIndex: r.measurement_index,
      raw: r.raw,
    }));
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
