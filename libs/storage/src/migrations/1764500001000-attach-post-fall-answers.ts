import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: answers to the post-fall questions attach to the fall's alert (`alert_id`), so the nurse who
 * opens the alert sees what happened, whether they were hurt, how long they were on the floor and whether
 * they could get up. Null for every other questionnaire, and for post-fall answers with no fall alert in the
 * day before them.
 */
export class AttachPostFallAnswers1764500001000 implements MigrationInterface {
  name = 'AttachPostFallAnswers1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reported_answers ADD COLUMN alert_id uuid`);
    await q.query(
      `ALTER TABLE reported_answers ADD CONSTRAINT fk_reported_answers_alert FOREIGN KEY (alert_id) REFERENCES alerts (id)`,
    );
    await q.query(
      `CREATE INDEX ix_reported_answers_alert ON reported_answers (alert_id) WHERE alert_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reported_answers DROP COLUMN alert_id`);
  }
}
