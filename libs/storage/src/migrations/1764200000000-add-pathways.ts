import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Virtual-ward pathways (issue 13):
 * - `monitoring_plans`: each admission's plan (a pathway template applied, then tailored; changes audited in
 *   `patient_audit`). The alerting-relevant projection of the plan stays in `patients.monitoring`, which the
 *   scorer already reads.
 * - `patients.treatment_ceiling`: the ReSPECT treatment-escalation ceiling, shown where escalation is decided.
 * - `alerts.tier`, `tier_since`, `tier_acted_at`, `ladder`, `outcome`: tiered escalation and what came of each alert.
 * - `discharges`: the outcome, the device-return step and the FHIR discharge summary of each stay.
 */
export class AddPathways1764200000000 implements MigrationInterface {
  name = 'AddPathways1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monitoring_plans (
        patient_id uuid NOT NULL,
        template_id text NOT NULL,
        template_version integer NOT NULL,
        plan jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        CONSTRAINT pk_monitoring_plans PRIMARY KEY (patient_id),
        CONSTRAINT fk_monitoring_plans_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_monitoring_plans_template CHECK (template_id IN ('ari', 'frailty', 'heart-failure', 'copd', 'smi-physical-health'))
      )`);
    await q.query(`ALTER TABLE patients ADD COLUMN treatment_ceiling jsonb`);
    await q.query(`ALTER TABLE alerts ADD COLUMN tier text`);
    await q.query(`ALTER TABLE alerts ADD COLUMN tier_since timestamptz`);
    await q.query(`ALTER TABLE alerts ADD COLUMN tier_acted_at timestamptz`);
    await q.query(`ALTER TABLE alerts ADD COLUMN ladder jsonb`);
    await q.query(`ALTER TABLE alerts ADD COLUMN outcome text`);
    await q.query(
      `ALTER TABLE alerts ADD CONSTRAINT ck_alerts_tier CHECK (tier IS NULL OR tier IN ('ward-nurse', 'ward-clinician', 'ccc', 'urgent-response'))`,
    );
    await q.query(
      `ALTER TABLE alerts ADD CONSTRAINT ck_alerts_outcome CHECK (outcome IS NULL OR outcome IN ('advice-given', 'medication-change', 'clinician-visit', 'urgent-community-response', 'ambulance-or-ed', 'no-action'))`,
    );
    await q.query(
      `CREATE INDEX ix_alerts_tiered_unresolved ON alerts (tier_since) WHERE ladder IS NOT NULL AND state <> 'resolved'`,
    );
    await q.query(`
      CREATE TABLE discharges (
        patient_id uuid NOT NULL,
        encounter_id uuid NOT NULL,
        outcome text NOT NULL,
        device_return text NOT NULL,
        note text NOT NULL DEFAULT '',
        discharged_at timestamptz NOT NULL,
        discharged_by text NOT NULL,
        summary jsonb NOT NULL,
        CONSTRAINT pk_discharges PRIMARY KEY (patient_id),
        CONSTRAINT fk_discharges_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_discharges_outcome CHECK (outcome IN ('recovered-at-home', 'admitted-to-hospital', 'died', 'transferred')),
        CONSTRAINT ck_discharges_device_return CHECK (device_return IN ('returned', 'collection-booked', 'not-applicable'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE discharges`);
    await q.query(`DROP INDEX ix_alerts_tiered_unresolved`);
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT ck_alerts_outcome`);
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT ck_alerts_tier`);
    await q.query(`ALTER TABLE alerts DROP COLUMN outcome`);
    await q.query(`ALTER TABLE alerts DROP COLUMN ladder`);
    await q.query(`ALTER TABLE alerts DROP COLUMN tier_acted_at`);
    await q.query(`ALTER TABLE alerts DROP COLUMN tier_since`);
    await q.query(`ALTER TABLE alerts DROP COLUMN tier`);
    await q.query(`ALTER TABLE patients DROP COLUMN treatment_ceiling`);
    await q.query(`DROP TABLE monitoring_plans`);
  }
}
