import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14 §3: what a care coordinator did about a missed SMI check-in. Each contact (or attempt) is a row of
 * its own — kept, never updated — with its outcome and note; the patient's audit trail gets a row too, in the
 * same transaction. An outcome that reaches the person closes the missed check-in (`acknowledged_at`).
 */
export class AddSmiContacts1764500000000 implements MigrationInterface {
  name = 'AddSmiContacts1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE smi_contacts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        missed_check_in_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        outcome text NOT NULL,
        note text NOT NULL DEFAULT '',
        CONSTRAINT pk_smi_contacts PRIMARY KEY (id),
        CONSTRAINT fk_smi_contacts_missed FOREIGN KEY (missed_check_in_id) REFERENCES smi_missed_check_ins (id),
        CONSTRAINT fk_smi_contacts_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_smi_contacts_outcome CHECK (outcome IN ('checked-in', 'will-check-in', 'no-answer', 'concern-referred'))
      )`);
    await q.query(`CREATE INDEX ix_smi_contacts_patient_at ON smi_contacts (patient_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE smi_contacts`);
  }
}
