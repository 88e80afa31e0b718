import type { DataSource } from 'typeorm';
import { SqlDatabase, type SqlClient } from '../timeseries/sql-client';

export interface DeviceClockOffset {
  deviceId: string;
  offsetMs: number;
}

/** Ingest's learned device clock offsets (R12), loaded at start and written when they change. */
export class DeviceClockOffsetsRepository {
  private readonly sql: SqlClient;

  /** `sql`: ingest passes a {@link SqlDatabase} with its statement bound; default the DataSource's pool. */
  constructor(dataSource: DataSource, sql?: SqlClient) {
    this.sql = sql ?? new SqlDatabase(dataSource);
  }

  async loadAll(): Promise<DeviceClockOffset[]> {
    const rows = await this.sql.query<{ device_id: string; offset_ms: string }>(
      `SELECT device_id, offset_ms FROM device_clock_offsets`,
    );
    return rows.map((r) => ({ deviceId: r.device_id, offsetMs: Number(r.offset_ms) }));
  }

  /** Upserts in one statement; offsets of devices no longer provisioned are skipped. */
  async upsertMany(offsets: readonly DeviceClockOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.sql.query(
      `INSERT INTO device_clock_offsets (device_id, offset_ms, updated_at)
       SELECT u.device_id, u.offset_ms, now()
       FROM unnest($1::text[], $2::bigint[]) AS u(device_id, offset_ms)
       JOIN devices d ON d.id = u.device_id
       ON CONFLICT (device_id) DO UPDATE SET offset_ms = EXCLUDED.offset_ms, updated_at = EXCLUDED.updated_at`,
      [offsets.map((o) => o.deviceId), offsets.map((o) => Math.round(o.offsetMs))],
    );
  }
}
