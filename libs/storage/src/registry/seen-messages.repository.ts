import type { DataSource } from 'typeorm';

/**
 * Device messages ingest has already published, by (device, seq). Marked only after the stream
 * publish resolved, so a crash in between leads to a redelivery and a republish, which the
 * idempotent observation store absorbs; never to a lost reading.
 */
export class SeenMessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async seen(deviceId: string, seq: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM ingest_seen_messages WHERE device_id = $1 AND seq = $2`,
      [deviceId, seq],
    );
    return rows.length > 0;
  }

  async markSeen(deviceId: string, seq: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ingest_seen_messages (device_id, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [deviceId, seq],
    );
  }
}
