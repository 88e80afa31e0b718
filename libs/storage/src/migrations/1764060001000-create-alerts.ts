import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert episodes, their audit trail and the pipeline heartbeat (SPEC §4).
 *
 * - One open episode per (patient, rule, subject): a partial unique index, so even two racing scorer
 *   instances cannot open a second one (HZ-09 alarm storm). `subject` is '' for patient-level rules and
 *   the device id for device rules, so two offline devices of one patient are two episodes.
 * - Resolving needs a note: a CHECK, so no code path can skip it.
 * - `alert_audit` rows are written in the same transaction as the change they record (HZ-15).
 */
export class CreateAlerts1764060001000 implements MigrationInterface {
  name = 'CreateAlerts1764060001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        ward_id uuid NOT NULL,
        rule_id text NOT NULL,
        rule_version integer NOT NULL,
        subject text NOT NULL DEFAULT '',
        kind text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL DEFAULT 'open',
        reason text NOT NULL,
        band text,
        news2_total integer,
        partial boolean NOT NULL DEFAULT false,
        triggering_parameters text[] NOT NULL DEFAULT '{}',
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_observation_at timestamptz,
        condition_active boolean NOT NULL DEFAULT true,
        clear_since timestamptz,
        clear_readings integer NOT NULL DEFAULT 0,
        assigned_to text,
        acknowledged_at timestamptz,
        acknowledged_by text,
        escalated_at timestamptz,
        escalated_by text,
        escalation_reason text,
        escalation_destination text,
        resolved_at timestamptz,
        resolved_by text,
        resolution_note text,
        snoozed_until timestamptz,
        snoozed_by text,
        snooze_severity text,
        CONSTRAINT pk_alerts PRIMARY KEY (id),
        CONSTRAINT fk_alerts_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_alerts_state CHECK (state IN ('open', 'acknowledged', 'escalated', 'resolved')),
        CONSTRAINT ck_alerts_kind CHECK (kind IN ('clinical', 'technical')),
        CONSTRAINT ck_alerts_severity CHECK (severity IN ('critical', 'high', 'medium', 'low-medium', 'low', 'technical')),
        CONSTRAINT ck_alerts_resolution CHECK (
          state <> 'resolved' OR (resolved_at IS NOT NULL AND length(btrim(coalesce(resolution_note, ''))) > 0))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_alerts_open_episode ON alerts (patient_id, rule_id, subject) WHERE state <> 'resolved'`,
    );
    await q.query(
      `CREATE INDEX ix_alerts_open_by_ward ON alerts (ward_id, opened_at) WHERE state <> 'resolved'`,
    );
    await q.query(`CREATE INDEX ix_alerts_unacknowledged ON alerts (opened_at) WHERE state = 'open'`);
    await q.query(`CREATE INDEX ix_alerts_patient_history ON alerts (patient_id, opened_at DESC)`);
    await q.query(`
      CREATE TABLE alert_audit (
        id bigint GENERATED ALWAYS AS IDENTITY,
        alert_id uuid NOT NULL,
        at timestamptz NOT NULL,
        actor text,
        action text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT pk_alert_audit PRIMARY KEY (id),
        CONSTRAINT fk_alert_audit_alert FOREIGN KEY (alert_id) REFERENCES alerts (id)
      )`);
    await q.query(`CREATE INDEX ix_alert_audit_alert ON alert_audit (alert_id, at)`);
    await q.query(`
      CREATE TABLE pipeline_heartbeats (
        source text NOT NULL,
        heartbeat_id text NOT NULL,
        emitted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        stalled_since timestamptz,
        CONSTRAINT pk_pipeline_heartbeats PRIMARY KEY (source)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pipeline_heartbeats`);
    await q.query(`DROP TABLE alert_audit`);
    await q.query(`DROP TABLE alerts`);
  }
}
