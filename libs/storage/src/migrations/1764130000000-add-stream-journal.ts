import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, the hot path. (1) `stream_journal`: the embedded mode's durable point — ingest's readings are
 * group-committed here and acknowledged (PUBACK) without waiting for the scorer, which consumes them from
 * the in-process stream; rows go once every consumer group committed them, and what is left at start is
 * replayed. (2) Registry change notifications: ingest holds devices and bindings in memory and drops a
 * device's entry when `vigil_registry` names it (PostgreSQL LISTEN/NOTIFY, seen by every instance). Device
 * heartbeats (last seen, battery) do not notify: they change nothing ingest decides on. (3) The seen-message
 * table goes: ingest tells redeliveries from reused seqs in memory (D3), and the observation store's unique
 * keys absorb what it has not seen.
 */
export class AddStreamJournal1764130000000 implements MigrationInterface {
  name = 'AddStreamJournal1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE stream_journal (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      records text NOT NULL,
      appended_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE OR REPLACE FUNCTION vigil_registry_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE row_data jsonb;
      BEGIN
        IF TG_OP = 'DELETE' THEN row_data := to_jsonb(OLD); ELSE row_data := to_jsonb(NEW); END IF;
        PERFORM pg_notify('vigil_registry',
          CASE WHEN TG_TABLE_NAME = 'devices' THEN row_data->>'id' ELSE row_data->>'device_id' END);
        IF TG_OP = 'UPDATE' THEN
          IF to_jsonb(OLD)->>'device_id' IS DISTINCT FROM row_data->>'device_id' THEN
            PERFORM pg_notify('vigil_registry', to_jsonb(OLD)->>'device_id');
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER tr_devices_registry_notify
      AFTER INSERT OR DELETE OR UPDATE OF status, kind ON devices
      FOR EACH ROW EXECUTE FUNCTION vigil_registry_notify()`);
    await q.query(`CREATE TRIGGER tr_device_bindings_registry_notify
      AFTER INSERT OR DELETE OR UPDATE ON device_bindings
      FOR EACH ROW EXECUTE FUNCTION vigil_registry_notify()`);
    await q.query(`DROP TABLE ingest_seen_messages`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ingest_seen_messages (
      device_id text NOT NULL,
      seq bigint NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_ingest_seen_messages PRIMARY KEY (device_id, seq)
    )`);
    await q.query(`DROP TRIGGER tr_device_bindings_registry_notify ON device_bindings`);
    await q.query(`DROP TRIGGER tr_devices_registry_notify ON devices`);
    await q.query(`DROP FUNCTION vigil_registry_notify()`);
    await q.query(`DROP TABLE stream_journal`);
  }
}
