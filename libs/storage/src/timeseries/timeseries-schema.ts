import type { SqlClient } from './sql-client';

/**
 * DDL for the time-series tables (observations, NEWS2 scores), in two flavours (SPEC §2), as the first
 * time-series migration made them. Observations have since moved to compact rows behind an `observations`
 * view (`observation-rows-schema.ts`, migration 1764800000000); this DDL stays as that migration's input.
 *
 * - `timescale`: hypertables chunked on event time, compression after 30 days, and an hourly continuous
 *   aggregate per patient/parameter for trend charts.
 * - `partitioned`: native declarative range partitioning by month, a DEFAULT partition so no write is
 *   ever refused, `vigil_ensure_time_partitions()` to create partitions ahead (and move any rows that
 *   landed in DEFAULT), btree (patient, parameter, time DESC) and BRIN (time) indexes, and a plain view
 *   with the same shape as the continuous aggregate so one trend query serves both.
 *
 * Every unique key carries the time column (a hypertable or partitioned table needs it there), so writes
 * are idempotent with `ON CONFLICT DO NOTHING`: observations on (id, measured_at) (since the lean-rows migration
 * 1764600001000, only for observations without a device; it also drops `loinc` and `message_id`) and, for device
 * readings, (device_id, parameter, measured_at) — SPEC §3 dedupe; scores on
 * (patient_id, scored_at, scorer_version).
 *
 * No foreign keys to `patients`: the hot path writes thousands of rows a second and the scorer only
 * writes observations that ingest attributed to an admitted patient.
 */
export type TimeSeriesMode = 'timescale' | 'partitioned';

/** Months of partitions created ahead of "now" by the migration and by the scorer's daily timer. */
export const PARTITION_MONTHS_AHEAD = 3;

const OBSERVATION_COLUMNS = `
  id text NOT NULL,
  patient_id uuid NOT NULL,
  device_id text,
  parameter text NOT NULL,
  value double precision NOT NULL,
  value_code text,
  unit text NOT NULL,
  loinc text,
  mdc text,
  original jsonb,
  measured_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  source text NOT NULL,
  message_id text NOT NULL,
  seq bigint,
  detail jsonb,
  entered_by text,
  retrospective boolean NOT NULL DEFAULT false,
  stored_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_observations_id UNIQUE (id, measured_at),
  CONSTRAINT uq_observations_device_reading UNIQUE (device_id, parameter, measured_at)`;

const SCORE_COLUMNS = `
  patient_id uuid NOT NULL,
  scored_at timestamptz NOT NULL,
  scorer_version text NOT NULL,
  total smallint NOT NULL,
  band text NOT NULL,
  partial boolean NOT NULL,
  missing text[] NOT NULL,
  red_score boolean NOT NULL,
  per_parameter jsonb NOT NULL,
  spo2_scale smallint NOT NULL,
  retrospective boolean NOT NULL DEFAULT false,
  observation_ids text[] NOT NULL DEFAULT '{}',
  stored_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_news2_scores_patient_time UNIQUE (patient_id, scored_at, scorer_version),
  CONSTRAINT ck_news2_scores_band CHECK (band IN ('low', 'low-medium', 'medium', 'high'))`;

const ENSURE_PARTITIONS_FUNCTION = `
CREATE OR REPLACE FUNCTION vigil_ensure_time_partitions(p_parent text, p_column text, p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  month_start timestamptz := date_trunc('month', p_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month_end timestamptz;
  part text;
  created integer := 0;
BEGIN
  -- Several scorer instances may call this at once; one creates, the others then see the tables.
  PERFORM pg_advisory_xact_lock(hashtext('vigil_ensure_time_partitions'), hashtext(p_parent));
  WHILE month_start < p_to LOOP
    month_end := (month_start AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC';
    part := format('%s_p%s', p_parent, to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM'));
    IF to_regclass(part) IS NULL THEN
      -- Rows of this month may already sit in DEFAULT (nothing is ever refused); attaching over them
      -- would fail, so they move into the new partition first, in this same transaction.
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, p_parent);
      EXECUTE format(
        'WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
        p_parent || '_default', p_column, p_column, part) USING month_start, month_end;
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        p_parent, part, month_start, month_end);
      created := created + 1;
    END IF;
    month_start := month_end;
  END LOOP;
  RETURN created;
END
$fn$`;

/** The statements that create the time-series schema, in order. */
export function timeSeriesSchemaStatements(mode: TimeSeriesMode): string[] {
  if (mode === 'timescale') {
    return [
      `CREATE EXTENSION IF NOT EXISTS timescaledb`,
      `CREATE TABLE observations (${OBSERVATION_COLUMNS})`,
      `SELECT create_hypertable('observations', by_range('measured_at', INTERVAL '7 days'))`,
      `CREATE INDEX ix_observations_patient_parameter_time ON observations (patient_id, parameter, measured_at DESC)`,
      `ALTER TABLE observations SET (timescaledb.compress,
         timescaledb.compress_segmentby = 'patient_id, parameter',
         timescaledb.compress_orderby = 'measured_at DESC')`,
      `SELECT add_compression_policy('observations', INTERVAL '30 days')`,
      `CREATE TABLE news2_scores (${SCORE_COLUMNS})`,
      `SELECT create_hypertable('news2_scores', by_range('scored_at', INTERVAL '30 days'))`,
      `ALTER TABLE news2_scores SET (timescaledb.compress,
         timescaledb.compress_segmentby = 'patient_id',
         timescaledb.compress_orderby = 'scored_at DESC')`,
      `SELECT add_compression_policy('news2_scores', INTERVAL '90 days')`,
      // WITH NO DATA: allowed inside the migration's transaction; the policy fills it. Real-time
      // aggregation (materialized_only = false) so the newest hour is never missing from a trend.
      `CREATE MATERIALIZED VIEW observation_hourly
         WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
         SELECT patient_id, parameter, time_bucket(INTERVAL '1 hour', measured_at) AS bucket,
                avg(value) AS avg_value, min(value) AS min_value, max(value) AS max_value, count(*) AS readings
         FROM observations GROUP BY patient_id, parameter, time_bucket(INTERVAL '1 hour', measured_at)
         WITH NO DATA`,
      `SELECT add_continuous_aggregate_policy('observation_hourly',
         start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes')`,
    ];
  }
  return [
    ENSURE_PARTITIONS_FUNCTION,
    `CREATE TABLE observations (${OBSERVATION_COLUMNS}) PARTITION BY RANGE (measured_at)`,
    `CREATE TABLE observations_default PARTITION OF observations DEFAULT`,
    `CREATE INDEX ix_observations_patient_parameter_time ON observations (patient_id, parameter, measured_at DESC)`,
    `CREATE INDEX ix_observations_measured_at_brin ON observations USING brin (measured_at)`,
    `CREATE TABLE news2_scores (${SCORE_COLUMNS}) PARTITION BY RANGE (scored_at)`,
    `CREATE TABLE news2_scores_default PARTITION OF news2_scores DEFAULT`,
    `CREATE INDEX ix_news2_scores_scored_at_brin ON news2_scores USING brin (scored_at)`,
    `CREATE VIEW observation_hourly AS
       SELECT patient_id, parameter, date_trunc('hour', measured_at, 'UTC') AS bucket,
              avg(value) AS avg_value, min(value) AS min_value, max(value) AS max_value, count(*) AS readings
       FROM observations GROUP BY patient_id, parameter, date_trunc('hour', measured_at, 'UTC')`,
    `SELECT vigil_ensure_time_partitions('observations', 'measured_at', now() - INTERVAL '1 month', now() + INTERVAL '${PARTITION_MONTHS_AHEAD} months')`,
    `SELECT vigil_ensure_time_partitions('news2_scores', 'scored_at', now() - INTERVAL '1 month', now() + INTERVAL '${PARTITION_MONTHS_AHEAD} months')`,
  ];
}

/** Which flavour a server can use, and why (logged at boot so an operator sees why TimescaleDB was not used). */
export interface TimeSeriesSupport {
  mode: TimeSeriesMode;
  reason: string;
}

interface ServerFacts {
  available: boolean;
  installed_version: string | null;
  preload: string | null;
  license: string | null;
}

/**
 * Detects a *usable* TimescaleDB (SPEC §2): the extension created here already, or available and preloaded
 * (`shared_preload_libraries`), with the Timescale License edition — compression, continuous aggregates and
 * the policies the schema uses are not in the Apache-only build. Anything else falls back to native
 * partitioning with the reason: an extension that is installed but not preloaded must not fail the migration.
 */
export async function detectTimeSeriesSupport(sql: SqlClient): Promise<TimeSeriesSupport> {
  const [facts] = await sql.query<ServerFacts>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
            (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS installed_version,
            current_setting('shared_preload_libraries', true) AS preload,
            current_setting('timescaledb.license', true) AS license`,
  );
  if (!facts?.available && !facts?.installed_version) {
    return { mode: 'partitioned', reason: 'the timescaledb extension is not installed on this server' };
  }
  if (!preloads(facts.preload ?? '', 'timescaledb')) {
    return {
      mode: 'partitioned',
      reason:
        'the timescaledb extension is installed but not preloaded: add it to shared_preload_libraries and restart PostgreSQL to use it (new databases only)',
    };
  }
  if (facts.license === 'apache') {
    return {
      mode: 'partitioned',
      reason:
        "TimescaleDB is the Apache-only edition (timescaledb.license = 'apache'): it lacks the compression, continuous aggregates and policies Vigil's schema uses",
    };
  }
  return {
    mode: 'timescale',
    reason: `TimescaleDB is preloaded${facts.installed_version ? ` (extension ${facts.installed_version})` : ''}`,
  };
}

/**
 * What the time-series migration uses: {@link detectTimeSeriesSupport}, and where that says TimescaleDB but
 * the extension is not in this database yet, creates it and looks again — the edition (`timescaledb.license`)
 * is only known once the extension is loaded. An Apache-only edition is dropped again and partitioning used.
 * Run it inside the migration's transaction.
 */
export async function chooseTimeSeriesMode(sql: SqlClient): Promise<TimeSeriesSupport> {
  const first = await detectTimeSeriesSupport(sql);
  if (first.mode !== 'timescale') return first;
  const [installed] = await sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  if (installed) return first;
  await sql.query(`CREATE EXTENSION timescaledb`);
  const loaded = await detectTimeSeriesSupport(sql);
  if (loaded.mode !== 'timescale') await sql.query(`DROP EXTENSION timescaledb`);
  return loaded;
}

/** Which flavour this server supports (see {@link detectTimeSeriesSupport}). */
export async function detectTimeSeriesMode(sql: SqlClient): Promise<TimeSeriesMode> {
  return (await detectTimeSeriesSupport(sql)).mode;
}

/**
 * Which flavour the schema of this database actually has (what the migration chose when it ran), or null
 * before the migration. A database migrated on plain PostgreSQL stays partitioned on a later TimescaleDB.
 * Read from `news2_scores`, made by the same migration in the same flavour and never rebuilt since
 * (`observations` became a view over compact rows: `observation-rows-schema.ts`).
 */
export async function installedTimeSeriesMode(sql: SqlClient): Promise<TimeSeriesMode | null> {
  const [row] = await sql.query<{ present: boolean; partitioned: boolean; extension: boolean }>(
    `SELECT to_regclass('news2_scores') IS NOT NULL AS present,
            EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('news2_scores')) AS partitioned,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS extension`,
  );
  if (!row?.present) return null;
  if (row.partitioned) return 'partitioned';
  if (!row.extension) return null;
  const hypertables = await sql.query(
    `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'news2_scores'`,
  );
  return hypertables.length > 0 ? 'timescale' : null;
}

function preloads(setting: string, library: string): boolean {
  return setting
    .split(',')
    .map((entry) => entry.trim().replace(/^"|"$/g, ''))
    .some((entry) => entry === library || entry.endsWith(`/${library}`));
}
