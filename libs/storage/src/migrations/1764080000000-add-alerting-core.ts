import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alerting core (`@vigil/alerting`):
 * - `alerts.reasons`: one clinical alert per patient carries every rule behind it (NEWS2 band, red score,
 *   personal thresholds); `alerts.attention_since`: when it last asked for attention (escalation and
 *   re-prompting count from there, R2/R5).
 * - Open NEWS2-band, red-score and personal-threshold episodes of one patient become that patient's one
 *   `deterioration` alert (the most severe, then the oldest, is kept; the others are resolved with a note
 *   and an audit row saying where they went).
 * - `patients.oxygen_prescription` (N1) and `patient_audit` (R9: who changed the SpO2 scale or the oxygen
 *   prescription, when, and why).
 * - `news2_scores`: the range of a score whose air-or-oxygen is unknown on scale 2, and where air-or-oxygen
 *   came from. Nullable columns: adding them is allowed on a compressed TimescaleDB hypertable.
 */
export class AddAlertingCore1764080000000 implements MigrationInterface {
  name = 'AddAlertingCore1764080000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN reasons jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`ALTER TABLE alerts ADD COLUMN attention_since timestamptz`);
    await q.query(`UPDATE alerts SET attention_since = opened_at`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN attention_since SET NOT NULL`);
    await q.query(
      `CREATE INDEX ix_alerts_attention ON alerts (attention_since) WHERE state IN ('open', 'acknowledged')`,
    );
    await q.query(`
      WITH ranked AS (
        SELECT id, patient_id,
          row_number() OVER (PARTITION BY patient_id ORDER BY
            array_position(ARRAY['critical','high','medium','low-medium','low','technical'], severity), opened_at, id) AS n
        FROM alerts
        WHERE state <> 'resolved' AND rule_id IN ('news2-band', 'news2-red-score', 'personal-threshold')
      ), merged AS (
        UPDATE alerts a SET state = 'resolved', resolved_at = now(), updated_at = now(),
          resolution_note = 'Merged into the patient''s one clinical alert (alerting core migration).'
        FROM ranked r WHERE a.id = r.id AND r.n > 1
        RETURNING a.id
      )
      INSERT INTO alert_audit (alert_id, at, actor, action, from_state, to_state, detail)
      SELECT id, now(), NULL, 'merged', NULL, 'resolved', '{}'::jsonb FROM merged`);
    await q.query(`
      UPDATE alerts SET rule_id = 'deterioration', subject = '',
        reasons = jsonb_build_array(jsonb_build_object('ruleId', rule_id, 'ruleVersion', rule_version,
          'severity', severity, 'text', reason, 'triggeringParameters', to_jsonb(triggering_parameters))),
        rule_version = 1
      WHERE state <> 'resolved' AND rule_id IN ('news2-band', 'news2-red-score', 'personal-threshold')`);
    await q.query(`ALTER TABLE patients ADD COLUMN oxygen_prescription jsonb`);
    await q.query(`
      CREATE TABLE patient_audit (
        id bigint GENERATED ALWAYS AS IDENTITY,
        patient_id uuid NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        reason text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT pk_patient_audit PRIMARY KEY (id),
        CONSTRAINT fk_patient_audit_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_patient_audit_reason CHECK (length(btrim(reason)) > 0)
      )`);
    await q.query(`CREATE INDEX ix_patient_audit_patient ON patient_audit (patient_id, at)`);
    await q.query(`ALTER TABLE news2_scores ADD COLUMN range_lowest smallint`);
    await q.query(`ALTER TABLE news2_scores ADD COLUMN range_highest smallint`);
    await q.query(`ALTER TABLE news2_scores ADD COLUMN oxygen_source text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE news2_scores DROP COLUMN oxygen_source`);
    await q.query(`ALTER TABLE news2_scores DROP COLUMN range_highest`);
    await q.query(`ALTER TABLE news2_scores DROP COLUMN range_lowest`);
    await q.query(`DROP TABLE patient_audit`);
    await q.query(`ALTER TABLE patients DROP COLUMN oxygen_prescription`);
    await q.query(`DROP INDEX ix_alerts_attention`);
    await q.query(`ALTER TABLE alerts DROP COLUMN attention_since`);
    await q.query(`ALTER TABLE alerts DROP COLUMN reasons`);
  }
}
