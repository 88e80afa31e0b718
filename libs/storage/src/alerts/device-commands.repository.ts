import type { DeviceCommand } from '@vigil/contracts';
import type { SqlClient } from '../timeseries/sql-client';

/** A command to store: the command and the patient it is about (the patient is never sent to the device). */
export interface DeviceCommandToStore {
  patientId: string;
  command: DeviceCommand;
}

/**
 * `device_commands`: reading reminders (issue 13), each stored once by its command id in the transaction of
 * the timer that decided it, then published to the `devices.commands` stream (at least once).
 */
export class DeviceCommandsRepository {
  /** Stores the commands not stored before; returns those (the ones to publish), in order. */
  async addNew(tx: SqlClient, commands: readonly DeviceCommandToStore[], at: Date): Promise<DeviceCommand[]> {
    if (commands.length === 0) return [];
    const rows = await tx.query<{ command: DeviceCommand }>(
      `INSERT INTO device_commands (command_id, device_id, patient_id, type, command, created_at)
       SELECT u.id, u.device, u.patient, u.type, u.command, $6
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[]) WITH ORDINALITY
         AS u(id, device, patient, type, command, n)
       ORDER BY u.n
       ON CONFLICT (command_id) DO NOTHING
       RETURNING command`,
      [
        commands.map((c) => c.command.commandId),
        commands.map((c) => c.command.deviceId),
        commands.map((c) => c.patientId),
        commands.map((c) => c.command.type),
        commands.map((c) => JSON.stringify(c.command)),
        at,
      ],
    );
    return rows.map((r) => r.command);
  }

  async markPublished(sql: SqlClient, commandIds: readonly string[], at: Date): Promise<void> {
    if (commandIds.length === 0) return;
    await sql.query(`UPDATE device_commands SET published_at = $2 WHERE command_id = ANY($1::uuid[])`, [
      commandIds,
      at,
    ]);
  }

  /** Unpublished commands stored before `before`, oldest first, locked so two relays never send one twice. */
  async lockUnpublished(tx: SqlClient, before: Date, limit = 500): Promise<DeviceCommand[]> {
    const rows = await tx.query<{ command: DeviceCommand }>(
      `SELECT command FROM device_commands WHERE published_at IS NULL AND created_at < $1
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [before, limit],
    );
    return rows.map((r) => r.command);
  }

  /** Forgets commands published before `before` (kept a while as the record of what each patient was asked). */
  async purgePublished(sql: SqlClient, before: Date): Promise<void> {
    await sql.query(`DELETE FROM device_commands WHERE published_at < $1`, [before]);
  }

  /** The commands sent about one patient, newest first (tests and the audit of what a patient was asked). */
  async forPatient(
    sql: SqlClient,
    patientId: string,
  ): Promise<(DeviceCommand & { publishedAt: Date | null })[]> {
    const rows = await sql.query<{ command: DeviceCommand; published_at: Date | null }>(
      `SELECT command, published_at FROM device_commands WHERE patient_id = $1 ORDER BY created_at DESC`,
      [patientId],
    );
    return rows.map((r) => ({ ...r.command, publishedAt: r.published_at }));
  }
}
