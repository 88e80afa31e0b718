import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters keep a bounded prefix of the raw payload plus its whole size and SHA-256 (issue 12, D1): a
 * 10 MB message must not become a 10 MB row and a 16 MB API response. Existing rows keep their raw bytes
 * and get their size and hash computed here. Also an index for paging the list by (received_at, id).
 */
export class BoundDeadLetterRaw1764120000000 implements MigrationInterface {
  name = 'BoundDeadLetterRaw1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters ADD COLUMN raw_size integer`);
    await q.query(`ALTER TABLE dead_letters ADD COLUMN raw_sha256 bytea`);
    await q.query(`UPDATE dead_letters SET raw_size = octet_length(raw), raw_sha256 = sha256(raw)`);
    await q.query(`ALTER TABLE dead_letters ALTER COLUMN raw_size SET NOT NULL`);
    await q.query(
      `ALTER TABLE dead_letters ADD CONSTRAINT ck_dead_letters_raw_size CHECK (raw_size >= octet_length(raw))`,
    );
    await q.query(`CREATE INDEX ix_dead_letters_page ON dead_letters (received_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_dead_letters_page`);
    await q.query(`ALTER TABLE dead_letters DROP CONSTRAINT ck_dead_letters_raw_size`);
    await q.query(`ALTER TABLE dead_letters DROP COLUMN raw_sha256`);
    await q.query(`ALTER TABLE dead_letters DROP COLUMN raw_size`);
  }
}
