import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: care homes, their residents, staff and devices; the SMI light plan.
 *
 * - `care_homes`: each escalates its residents' unacknowledged falls to one virtual ward (after the alerting
 *   policy's `careHomeAcknowledgeMinutes`).
 * - `care_home_residents`: a patient living in a home (one home at a time), and whether they are enrolled in
 *   falls prevention. A resident is a patient row (devices bind to patients), but needs no virtual-ward plan.
 * - `care_home_staff`: user accounts of the new role `care-home` and the homes they work in.
 * - `care_home_devices`: falls sensors and bed/chair sensors a home holds, where they are.
 * - `smi_plans` / `smi_missed_check_ins`: physical-health monitoring for severe mental illness; a missed weekly
 *   check-in is recorded once per due date for the named care coordinator.
 */
export class AddCareHomes1764300001000 implements MigrationInterface {
  name = 'AddCareHomes1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_role`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT ck_users_role CHECK (role IN ('nurse', 'coordinator', 'clinician', 'admin', 'care-home'))`,
    );
    await q.query(`
      CREATE TABLE care_homes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        escalation_ward_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_care_homes PRIMARY KEY (id),
        CONSTRAINT uq_care_homes_name UNIQUE (name),
        CONSTRAINT fk_care_homes_ward FOREIGN KEY (escalation_ward_id) REFERENCES wards (id)
      )`);
    await q.query(`
      CREATE TABLE care_home_residents (
        patient_id uuid NOT NULL,
        care_home_id uuid NOT NULL,
        room text,
        falls_prevention_since timestamptz,
        enrolled_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_care_home_residents PRIMARY KEY (patient_id),
        CONSTRAINT fk_care_home_residents_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT fk_care_home_residents_home FOREIGN KEY (care_home_id) REFERENCES care_homes (id)
      )`);
    await q.query(`CREATE INDEX ix_care_home_residents_home ON care_home_residents (care_home_id)`);
    await q.query(`
      CREATE TABLE care_home_staff (
        user_id uuid NOT NULL,
        care_home_id uuid NOT NULL,
        CONSTRAINT pk_care_home_staff PRIMARY KEY (user_id, care_home_id),
        CONSTRAINT fk_care_home_staff_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_care_home_staff_home FOREIGN KEY (care_home_id) REFERENCES care_homes (id)
      )`);
    await q.query(`
      CREATE TABLE care_home_devices (
        device_id text NOT NULL,
        care_home_id uuid NOT NULL,
        kind text NOT NULL,
        location text,
        CONSTRAINT pk_care_home_devices PRIMARY KEY (device_id),
        CONSTRAINT fk_care_home_devices_device FOREIGN KEY (device_id) REFERENCES devices (id),
        CONSTRAINT fk_care_home_devices_home FOREIGN KEY (care_home_id) REFERENCES care_homes (id),
        CONSTRAINT ck_care_home_devices_kind CHECK (kind IN ('falls-sensor', 'bed-sensor', 'chair-sensor'))
      )`);
    await q.query(`
      CREATE TABLE smi_plans (
        patient_id uuid NOT NULL,
        interval_days integer NOT NULL DEFAULT 7,
        grace_hours integer NOT NULL DEFAULT 48,
        coordinator_name text NOT NULL,
        coordinator_contact text NOT NULL,
        coordinator_user_id uuid,
        started_at timestamptz NOT NULL,
        created_by text NOT NULL,
        CONSTRAINT pk_smi_plans PRIMARY KEY (patient_id),
        CONSTRAINT fk_smi_plans_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT fk_smi_plans_coordinator FOREIGN KEY (coordinator_user_id) REFERENCES users (id),
        CONSTRAINT ck_smi_plans_interval CHECK (interval_days BETWEEN 1 AND 31 AND grace_hours BETWEEN 0 AND 168)
      )`);
    await q.query(`
      CREATE TABLE smi_missed_check_ins (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL,
        due_at timestamptz NOT NULL,
        escalated_at timestamptz NOT NULL,
        coordinator_name text NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by text,
        CONSTRAINT pk_smi_missed_check_ins PRIMARY KEY (id),
        CONSTRAINT uq_smi_missed_check_ins UNIQUE (patient_id, due_at),
        CONSTRAINT fk_smi_missed_check_ins_patient FOREIGN KEY (patient_id) REFERENCES patients (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE smi_missed_check_ins`);
    await q.query(`DROP TABLE smi_plans`);
    await q.query(`DROP TABLE care_home_devices`);
    await q.query(`DROP TABLE care_home_staff`);
    await q.query(`DROP TABLE care_home_residents`);
    await q.query(`DROP TABLE care_homes`);
    await q.query(`DELETE FROM users WHERE role = 'care-home'`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_role`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT ck_users_role CHECK (role IN ('nurse', 'coordinator', 'clinician', 'admin'))`,
    );
  }
}
