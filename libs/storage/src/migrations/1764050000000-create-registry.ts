import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wards, patients, devices and time-bounded device↔patient bindings, plus the ingest dead-letter
 * store and the seen-message table used to deduplicate redelivered device messages.
 *
 * The exclusion constraint on bindings is a safety control (HZ-04 reading attributed to the wrong
 * patient): the database itself refuses two overlapping bindings of one device, so a reading's
 * `measured_at` resolves to at most one patient.
 */
export class CreateRegistry1764050000000 implements MigrationInterface {
  name = 'CreateRegistry1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE wards (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_wards PRIMARY KEY (id),
        CONSTRAINT uq_wards_name UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE patients (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        nhs_number char(10) NOT NULL,
        given_name text NOT NULL,
        family_name text NOT NULL,
        date_of_birth date,
        ward_id uuid NOT NULL,
        spo2_scale smallint NOT NULL DEFAULT 1,
        pathway text NOT NULL DEFAULT 'general',
        monitoring jsonb NOT NULL DEFAULT '{}'::jsonb,
        thresholds jsonb NOT NULL DEFAULT '[]'::jsonb,
        admitted_at timestamptz NOT NULL DEFAULT now(),
        discharged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_patients PRIMARY KEY (id),
        CONSTRAINT fk_patients_ward FOREIGN KEY (ward_id) REFERENCES wards (id),
        CONSTRAINT ck_patients_nhs_number CHECK (nhs_number ~ '^[0-9]{10}$'),
        CONSTRAINT ck_patients_spo2_scale CHECK (spo2_scale IN (1, 2)),
        CONSTRAINT ck_patients_discharge CHECK (discharged_at IS NULL OR discharged_at >= admitted_at)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_patients_nhs_number_admitted ON patients (nhs_number) WHERE discharged_at IS NULL`,
    );
    await q.query(`CREATE INDEX ix_patients_ward ON patients (ward_id) WHERE discharged_at IS NULL`);
    await q.query(`
      CREATE TABLE devices (
        id text NOT NULL,
        kind text NOT NULL,
        serial text,
        credential_hash text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        last_seen_at timestamptz,
        battery real,
        signal_dbm real,
        firmware text,
        provisioned_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_devices PRIMARY KEY (id),
        CONSTRAINT ck_devices_id CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
        CONSTRAINT ck_devices_status CHECK (status IN ('active', 'disabled', 'retired')),
        CONSTRAINT ck_devices_kind CHECK (kind IN ('blood-pressure', 'pulse-oximeter', 'thermometer', 'falls-sensor', 'hub'))
      )`);
    await q.query(`
      CREATE TABLE device_bindings (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        device_id text NOT NULL,
        patient_id uuid NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        bound_by text,
        unbound_by text,
        CONSTRAINT pk_device_bindings PRIMARY KEY (id),
        CONSTRAINT fk_device_bindings_device FOREIGN KEY (device_id) REFERENCES devices (id),
        CONSTRAINT fk_device_bindings_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
        CONSTRAINT ck_device_bindings_period CHECK (valid_to IS NULL OR valid_to > valid_from),
        CONSTRAINT ex_device_bindings_no_overlap EXCLUDE USING gist (
          device_id WITH =, tstzrange(valid_from, valid_to, '[)') WITH &&
        )
      )`);
    await q.query(`CREATE INDEX ix_device_bindings_patient ON device_bindings (patient_id, valid_from)`);
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        received_at timestamptz NOT NULL,
        topic text NOT NULL,
        device_id text,
        reason text NOT NULL,
        detail text NOT NULL,
        measurement_index integer,
        raw bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dead_letters PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_dead_letters_received_at ON dead_letters (received_at DESC)`);
    await q.query(`CREATE INDEX ix_dead_letters_device ON dead_letters (device_id, received_at DESC)`);
    await q.query(`
      CREATE TABLE ingest_seen_messages (
        device_id text NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_ingest_seen_messages PRIMARY KEY (device_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest_seen_messages`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP TABLE device_bindings`);
    await q.query(`DROP TABLE devices`);
    await q.query(`DROP TABLE patients`);
    await q.query(`DROP TABLE wards`);
  }
}
