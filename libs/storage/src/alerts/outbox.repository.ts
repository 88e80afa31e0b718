import type { AlertsStreamEvent } from '@vigil/contracts';
import type { SqlClient } from '../timeseries/sql-client';

export interface OutboxEntry {
  id: string;
  event: AlertsStreamEvent;
}

/** `alert_outbox`: events written in the transaction that made them, published by whoever gets there first. */
export class OutboxRepository {
  /** Adds events in the caller's transaction; returns their ids, in order. */
  async add(tx: SqlClient, events: readonly AlertsStreamEvent[], at: Date): Promise<string[]> {
    if (events.length === 0) return [];
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO alert_outbox (created_at, event)
       SELECT $1, e FROM unnest($2::jsonb[]) WITH ORDINALITY AS u(e, n) ORDER BY n
       RETURNING id`,
      [at, events.map((e) => JSON.stringify(e))],
    );
    return rows.map((r) => String(r.id));
  }

  async markPublished(sql: SqlClient, ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await sql.query(`UPDATE alert_outbox SET published_at = $2 WHERE id = ANY($1::bigint[])`, [ids, at]);
  }

  /** Unpublished events written before `before`, oldest first, locked so two relays never send one twice. */
  async lockUnpublished(tx: SqlClient, before: Date, limit = 500): Promise<OutboxEntry[]> {
    const rows = await tx.query<{ id: string; event: AlertsStreamEvent }>(
      `SELECT id, event FROM alert_outbox WHERE published_at IS NULL AND created_at < $1
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, limit],
    );
    return rows.map((r) => ({ id: String(r.id), event: r.event }));
  }

  /** Forgets events published before `before` (the outbox is a relay, not a log). */
  async purgePublished(sql: SqlClient, before: Date): Promise<void> {
    await sql.query(`DELETE FROM alert_outbox WHERE published_at < $1`, [before]);
  }
}
