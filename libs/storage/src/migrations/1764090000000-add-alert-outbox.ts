import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert events outbox: the scorer writes the events of a batch in the batch's own transaction, so an
 * event is never lost to a process that died between its commit and its publish (the HZ-04 residual). A
 * relay publishes what is still unpublished and marks it; delivery is at least once (consoles refetch).
 */
export class AddAlertOutbox1764090000000 implements MigrationInterface {
  name = 'AddAlertOutbox1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY,
        created_at timestamptz NOT NULL,
        event jsonb NOT NULL,
        published_at timestamptz,
        CONSTRAINT pk_alert_outbox PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_alert_outbox_unpublished ON alert_outbox (id) WHERE published_at IS NULL`);
    await q.query(
      `CREATE INDEX ix_alert_outbox_published ON alert_outbox (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_outbox`);
  }
}
