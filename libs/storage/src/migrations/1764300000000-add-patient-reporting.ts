import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: patients and carers report answers and readings with a per-patient access code.
 *
 * - `patient_access_codes`: issued by the ward for one patient; only a SHA-256 hash of the code is kept (50
 *   random bits, tried at a limited rate: a fast hash keeps lookups indexed); it expires and can be revoked,
 *   and a code of a discharged patient stops working (checked on every use, HZ-41).
 * - `patient_sessions`: what a code opens — never a nurse's session (its own table and cookie); a token
 *   stored hashed, idle and absolute expiry, and who confirmed they are answering (patient or carer) after
 *   seeing whose record it is (HZ-40).
 * - `reported_answers`: every questionnaire answered, by whom and how (source), with the advice shown and the
 *   ids of the observations it became.
 */
export class AddPatientReporting1764300000000 implements MigrationInterface {
  name = 'AddPatientReporting1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE patient_access_codes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        code_hash text NOT NULL,
        label text,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by text,
        last_used_at timestamptz,
        CONSTRAINT pk_patient_access_codes PRIMARY KEY (id),
        CONSTRAINT uq_patient_access_codes_hash UNIQUE (code_hash),
        CONSTRAINT fk_patient_access_codes_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_patient_access_codes_expiry CHECK (expires_at > issued_at)
      )`);
    await q.query(
      `CREATE INDEX ix_patient_access_codes_patient ON patient_access_codes (patient_id, issued_at DESC)`,
    );
    await q.query(`
      CREATE TABLE patient_sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        token_hash text NOT NULL,
        code_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        reporter text,
        confirmed_at timestamptz,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        CONSTRAINT pk_patient_sessions PRIMARY KEY (id),
        CONSTRAINT uq_patient_sessions_token UNIQUE (token_hash),
        CONSTRAINT fk_patient_sessions_code FOREIGN KEY (code_id) REFERENCES patient_access_codes (id),
        CONSTRAINT fk_patient_sessions_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_patient_sessions_reporter CHECK (reporter IS NULL OR reporter IN ('patient', 'carer'))
      )`);
    await q.query(`CREATE INDEX ix_patient_sessions_code ON patient_sessions (code_id)`);
    await q.query(`
      CREATE TABLE reported_answers (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        questionnaire_id text NOT NULL,
        questionnaire_version integer NOT NULL,
        source text NOT NULL,
        entered_by text NOT NULL,
        code_id uuid,
        answers jsonb NOT NULL,
        advice text NOT NULL,
        message_id uuid NOT NULL,
        observation_ids text[] NOT NULL DEFAULT '{}',
        answered_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_reported_answers PRIMARY KEY (id),
        CONSTRAINT uq_reported_answers_message UNIQUE (message_id),
        CONSTRAINT fk_reported_answers_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT fk_reported_answers_code FOREIGN KEY (code_id) REFERENCES patient_access_codes (id),
        CONSTRAINT ck_reported_answers_source
          CHECK (source IN ('patient-reported', 'carer-reported', 'nurse-reported-by-phone')),
        CONSTRAINT ck_reported_answers_advice CHECK (advice IN ('none', 'call-ward', 'call-999'))
      )`);
    await q.query(
      `CREATE INDEX ix_reported_answers_patient ON reported_answers (patient_id, answered_at DESC)`,
    );
    await q.query(`CREATE INDEX ix_reported_answers_code ON reported_answers (code_id, answered_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reported_answers`);
    await q.query(`DROP TABLE patient_sessions`);
    await q.query(`DROP TABLE patient_access_codes`);
  }
}
