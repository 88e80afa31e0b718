import type { CanonicalObservation, Parameter } from '@vigil/contracts';
import { ObservationKeyDictionaries, type ObservationKeys } from './observation-keys';
import type { SqlClient } from './sql-client';

/** An observation to store, with whether it arrived late (older than the newest already scored). */
export interface ObservationToStore {
  observation: CanonicalObservation;
  retrospective: boolean;
}

/** The newest stored value of one parameter for one patient. */
export interface LatestValue {
  patientId: string;
  parameter: Parameter;
  observationId: string;
  value: number;
  valueCode: string | null;
  measuredAt: Date;
}

export interface HourlyBucket {
  bucket: Date;
  avg: number;
  min: number;
  max: number;
  readings: number;
}

interface LatestRow {
  patient_id: string;
  parameter: Parameter;
  id: string;
  value: number;
  value_code: string | null;
  measured_at: Date;
}

function toLatest(r: LatestRow): LatestValue {
  return {
    patientId: r.patient_id,
    parameter: r.parameter,
    observationId: r.id,
    value: Number(r.value),
    valueCode: r.value_code,
    measuredAt: new Date(r.measured_at),
  };
}

/**
 * Observations as a time series, stored as compact rows (`observation-rows-schema.ts`) and read through the
 * `observations` view. Writes are one statement per batch (arrays unnested server-side, so the parameter count
 * does not grow with the batch) and idempotent: a replayed reading is skipped by the unique keys, and only the
 * rows actually inserted come back. The dictionary keys are held in memory ({@link ObservationKeyDictionaries}),
 * so a batch of readings from known patients and devices is that one statement.
 */
export class ObservationsRepository {
  private readonly dictionaries = new ObservationKeyDictionaries();

  /**
   * Inserts the batch, skipping readings already stored (same patient, device, parameter and time; without a
   * device, same id and time). Returns the ids of the rows inserted now: a replay returns none.
   */
  async insertMany(tx: SqlClient, items: readonly ObservationToStore[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const keys = await this.dictionaries.resolve(
      tx,
      items.map((i) => i.observation),
    );
    // Not stored: the LOINC code (the parameter's), the message id (the id's prefix) and a device reading's id,
    // which is `{device}:{seq}:{position}` (normaliseReadings) and rebuilt from them; any other id is kept.
    const cols: unknown[][] = Array.from({ length: 15 }, () => []);
    const idOf = new Map<string, string>();
    items.forEach(({ observation: o, retrospective }, n) => {
      const k = keys[n] as ObservationKeys;
      const prefix = o.deviceId !== null && o.seq !== null ? `${o.deviceId}:${o.seq}:` : null;
      const derived = prefix !== null && o.id.length > prefix.length && o.id.startsWith(prefix);
      const position = derived ? o.id.slice((prefix as string).length) : null;
      if (derived) idOf.set(`${k.device}:${o.seq}:${position}`, o.id);
      const values = [
        o.value,
        o.measuredAt,
        o.receivedAt,
        o.seq,
        k.patient,
        k.device,
        k.parameter,
        k.kind,
        retrospective,
        position,
        derived ? null : o.id,
        o.valueCode,
        o.original === null ? null : JSON.stringify(o.original),
        o.detail === null ? null : JSON.stringify(o.detail),
        o.enteredBy,
      ];
      values.forEach((v, i) => cols[i].push(v));
    });
    const rows = await tx.query<{
      id: string | null;
      device_key: number | null;
      seq: string | null;
      position: string | null;
    }>(
      `INSERT INTO observation_rows (value, measured_at, received_at, seq, patient_key, device_key, parameter, kind,
         retrospective, position, id, value_code, original, detail, entered_by)
       SELECT * FROM unnest($1::float8[], $2::timestamptz[], $3::timestamptz[], $4::bigint[], $5::int[], $6::int[],
         $7::smallint[], $8::smallint[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::jsonb[],
         $14::jsonb[], $15::text[])
       ON CONFLICT DO NOTHING
       RETURNING id, device_key, seq, position`,
      cols,
    );
    return new Set(rows.map((r) => r.id ?? (idOf.get(`${r.device_key}:${r.seq}:${r.position}`) as string)));
  }

  /**
   * Of device readings the last insert skipped, those held under ANOTHER observation id (the same patient,
   * device, parameter and time from a different message: a reading resent under a new seq, or a clock
   * correction that put two readings on one time). A replay of the same id is not listed. Returns id → id held.
   */
  async heldUnderOtherIds(
    tx: SqlClient,
    skipped: readonly CanonicalObservation[],
  ): Promise<Map<string, string>> {
    const devices = skipped.filter((o) => o.deviceId !== null);
    if (devices.length === 0) return new Map();
    const rows = await tx.query<{ wanted: string; held: string }>(
      `SELECT u.id AS wanted, o.id AS held
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
         AS u(id, patient_id, device_id, parameter, measured_at)
       JOIN observations o ON o.patient_id = u.patient_id AND o.device_id = u.device_id
         AND o.parameter = u.parameter AND o.measured_at = u.measured_at
       WHERE o.id <> u.id`,
      [
        devices.map((o) => o.id),
        devices.map((o) => o.patientId),
        devices.map((o) => o.deviceId),
        devices.map((o) => o.parameter),
        devices.map((o) => o.measuredAt),
      ],
    );
    return new Map(rows.map((r) => [r.wanted, r.held]));
  }

  /**
   * The newest value of each parameter for each patient, looking back to `since` when given (bounded so
   * the time index and partition pruning apply), else over all history: the scorer's state must hold the
   * newest value however old, or a late reading would be judged against nothing (R11).
   */
  async latestPerParameter(
    tx: SqlClient,
    patientIds: readonly string[],
    since: Date | null,
  ): Promise<LatestValue[]> {
    if (patientIds.length === 0) return [];
    const rows = await tx.query<LatestRow>(
      `SELECT DISTINCT ON (patient_id, parameter) patient_id, parameter, id, value, value_code, measured_at
       FROM observations
       WHERE patient_id = ANY($1::uuid[]) AND ($2::timestamptz IS NULL OR measured_at >= $2)
       ORDER BY patient_id, parameter, measured_at DESC, id DESC`,
      [patientIds, since],
    );
    return rows.map(toLatest);
  }

  /** The newest value of each parameter for one patient in (at - window, at]: the state at event time `at`. */
  async stateAt(tx: SqlClient, patientId: string, at: Date, windowMs: number): Promise<LatestValue[]> {
    const rows = await tx.query<LatestRow>(
      `SELECT DISTINCT ON (parameter) patient_id, parameter, id, value, value_code, measured_at
       FROM observations
       WHERE patient_id = $1 AND measured_at <= $2 AND measured_at > $3
       ORDER BY parameter, measured_at DESC, id`,
      [patientId, at, new Date(at.getTime() - windowMs)],
    );
    return rows.map(toLatest);
  }

  /**
   * When each parameter was last measured for each patient by a reading that was current when it arrived (absent
   * when none, within `since`): what a monitoring schedule counts as taken. A reading stored retrospective — a
   * store-and-forward backlog already older than the freshness window on arrival (R7), or one older than the newest
   * (R11) — does not satisfy the schedule: the overdue alert (which carries the backlog's late-data note) keeps
   * asking for fresh observations, and reminders go on.
   */
  async lastMeasuredAt(
    tx: SqlClient,
    patientIds: readonly string[],
    since: Date,
  ): Promise<Map<string, Map<string, Date>>> {
    const out = new Map<string, Map<string, Date>>();
    if (patientIds.length === 0) return out;
    const rows = await tx.query<{ patient_id: string; parameter: string; measured_at: Date }>(
      `SELECT patient_id, parameter, max(measured_at) AS measured_at
       FROM observations
       WHERE patient_id = ANY($1::uuid[]) AND measured_at >= $2 AND NOT retrospective
       GROUP BY patient_id, parameter`,
      [patientIds, since],
    );
    for (const r of rows) {
      const m = out.get(r.patient_id) ?? new Map<string, Date>();
      m.set(r.parameter, new Date(r.measured_at));
      out.set(r.patient_id, m);
    }
    return out;
  }

  /** Hourly trend of one parameter: the continuous aggregate on TimescaleDB, a grouped view otherwise. */
  async hourlyTrend(
    sql: SqlClient,
    patientId: string,
    parameter: Parameter,
    from: Date,
    to: Date,
  ): Promise<HourlyBucket[]> {
    const rows = await sql.query<{
      bucket: Date;
      avg_value: number;
      min_value: number;
      max_value: number;
      readings: string | number;
    }>(
      // By keys, looked up first: a condition on the aggregate's grouping columns reaches the rows' index (and,
      // on TimescaleDB, the real-time part of the continuous aggregate) instead of grouping every patient.
      `SELECT bucket, avg_value, min_value, max_value, readings FROM observation_hourly_rows
       WHERE patient_key = (SELECT key FROM observation_patients WHERE patient_id = $1)
         AND parameter = (SELECT key FROM observation_parameters WHERE parameter = $2)
         AND bucket >= $3 AND bucket < $4
       ORDER BY bucket`,
      [patientId, parameter, from, to],
    );
    return rows.map((r) => ({
      bucket: new Date(r.bucket),
      avg: Number(r.avg_value),
      min: Number(r.min_value),
      max: Number(r.max_value),
      readings: Number(r.readings),
    }));
  }

  /** Stored observations of a patient, oldest first (for tests, trends and export). */
  async listForPatient(
    sql: SqlClient,
    patientId: string,
    from: Date,
    to: Date,
  ): Promise<(LatestValue & { retrospective: boolean })[]> {
    const rows = await sql.query<LatestRow & { retrospective: boolean }>(
      `SELECT patient_id, parameter, id, value, value_code, measured_at, retrospective FROM observations
       WHERE patient_id = $1 AND measured_at >= $2 AND measured_at < $3 ORDER BY measured_at, id`,
      [patientId, from, to],
    );
    return rows.map((r) => ({ ...toLatest(r), retrospective: r.retrospective }));
  }

  /**
   * Creates monthly partitions from last month to `monthsAhead` ahead of `now` (plain PostgreSQL only;
   * a no-op on TimescaleDB, which makes chunks itself). Safe to call from several instances at once.
   */
  async ensurePartitions(sql: SqlClient, now: Date, monthsAhead = 3): Promise<number> {
    const [fn] = await sql.query(`SELECT 1 FROM pg_proc WHERE proname = 'vigil_ensure_time_partitions'`);
    if (!fn) return 0;
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead + 1, 1));
    let created = 0;
    for (const [table, column] of [
      ['observation_rows', 'measured_at'],
      ['news2_scores', 'scored_at'],
    ]) {
      const [row] = await sql.query<{ n: number }>(
        `SELECT vigil_ensure_time_partitions($1, $2, $3, $4) AS n`,
        [table, column, from, to],
      );
      created += Number(row?.n ?? 0);
    }
    return created;
  }
}
