import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, device commands (docs/decisions/0006-device-commands.md): the reading reminders the scorer's
 * timer decided, written in the timer's own transaction. The command id (derived from patient, parameter and
 * due time) is the key, so a reminder decided again on the next tick is not sent again; `published_at` makes
 * the table an outbox for the `devices.commands` stream topic (a failed publish is relayed later).
 */
export class AddDeviceCommands1764400000000 implements MigrationInterface {
  name = 'AddDeviceCommands1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_commands (
        command_id uuid NOT NULL,
        device_id text NOT NULL,
        patient_id uuid NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
        type text NOT NULL,
        command jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        published_at timestamptz,
        CONSTRAINT pk_device_commands PRIMARY KEY (command_id)
      )`);
    await q.query(
      `CREATE INDEX ix_device_commands_unpublished ON device_commands (created_at) WHERE published_at IS NULL`,
    );
    await q.query(`CREATE INDEX ix_device_commands_patient ON device_commands (patient_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_commands`);
  }
}
