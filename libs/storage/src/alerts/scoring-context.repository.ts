import type {
  BoundDevice,
  MonitoringSchedule,
  OxygenPrescription,
  PatientContext,
  PersonalThreshold,
} from '@vigil/alerting';
import type { SqlClient, SqlTransaction } from '../timeseries/sql-client';

/** What the scorer needs to know about a patient, read fresh for every batch (clinicians edit it live). */
export type PatientScoringContext = PatientContext;

export interface DeviceStatusUpdate {
  deviceId: string;
  seenAt: Date;
  battery: number | null;
  signalDbm: number | null;
  firmware: string | null;
}

interface PatientRow {
  id: string;
  ward_id: string;
  spo2_scale: number;
  pathway: string;
  thresholds: PersonalThreshold[] | null;
  monitoring: MonitoringSchedule | null;
  oxygen_prescription: OxygenPrescription | null;
  admitted_at: Date;
  discharged_at: Date | null;
  news2_total?: number | null;
  news2_red?: boolean | null;
  news2_at?: Date | null;
  care_home_id?: string | null;
}

function toContext(r: PatientRow): PatientScoringContext {
  return {
    patientId: r.id,
    wardId: r.ward_id,
    spo2Scale: Number(r.spo2_scale) === 2 ? 2 : 1,
    pathway: r.pathway,
    thresholds: Array.isArray(r.thresholds) ? r.thresholds : [],
    monitoring: r.monitoring ?? {},
    oxygenPrescription: r.oxygen_prescription ?? null,
    admittedAt: new Date(r.admitted_at),
    dischargedAt: r.discharged_at === null ? null : new Date(r.discharged_at),
    ...(r.news2_at
      ? {
          latestNews2: {
            total: Number(r.news2_total),
            redScore: r.news2_red === true,
            at: new Date(r.news2_at),
          },
        }
      : {}),
    careHomeId: r.care_home_id ?? null,
  };
}

/** Patients, devices and pipeline heartbeats as the scorer and its timers read and write them. */
export class ScoringContextRepository {
  /**
   * The patients of a batch, share-locked for its transaction: a discharge (which locks the patient, then
   * its alerts) either commits first and is seen, or waits for the batch and then finds any alert it
   * opened (R14). Same lock order as the discharge: patients, then alerts.
   */
  async patients(tx: SqlClient, patientIds: readonly string[]): Promise<Map<string, PatientScoringContext>> {
    if (patientIds.length === 0) return new Map();
    const rows = await tx.query<PatientRow>(
      `SELECT id, ward_id, spo2_scale, pathway, thresholds, monitoring, oxygen_prescription, admitted_at, discharged_at,
              (SELECT r.care_home_id FROM care_home_residents r WHERE r.patient_id = patients.id) AS care_home_id
       FROM patients WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`,
      [patientIds],
    );
    const out = new Map(rows.map((r) => [r.id, toContext(r)]));
    await this.addWeightHistory(tx, [...out.values()]);
    return out;
  }

  /**
   * Issue 13: the body weights within the window of each patient whose plan has a weight-gain rule (one
   * query, and none when no patient of the batch has such a rule), for the weight-gain rule.
   */
  private async addWeightHistory(tx: SqlClient, patients: PatientScoringContext[]): Promise<void> {
    const weighed = patients.filter((p) => (p.monitoring.weightGain ?? []).length > 0);
    if (weighed.length === 0) return;
    const hours = Math.max(
      ...weighed.flatMap((p) => (p.monitoring.weightGain ?? []).map((r) => r.windowHours)),
    );
    const rows = await tx.query<{ patient_id: string; value: number; measured_at: Date }>(
      // Since admission (less one window: a weight from just before admission is a baseline), in event time.
      `SELECT o.patient_id, o.value, o.measured_at FROM observations o JOIN patients p ON p.id = o.patient_id
       WHERE o.patient_id = ANY($1::uuid[]) AND o.parameter = 'bodyWeight'
         AND o.measured_at >= p.admitted_at - make_interval(hours => $2::int)
       ORDER BY o.measured_at`,
      [weighed.map((p) => p.patientId), Math.ceil(hours)],
    );
    for (const p of weighed) {
      p.weightHistory = rows
        .filter((r) => r.patient_id === p.patientId)
        .map((r) => ({ value: Number(r.value), measuredAt: new Date(r.measured_at) }));
    }
  }

  /** Admitted patients with a monitoring schedule (required parameters and an interval). */
  async scheduledPatients(tx: SqlClient): Promise<PatientScoringContext[]> {
    // Issue 13: with each patient's latest current NEWS2, which tightens a plan's schedule (RCP: ≥ 5 → hourly).
    const rows = await tx.query<PatientRow>(
      `SELECT p.id, p.ward_id, p.spo2_scale, p.pathway, p.thresholds, p.monitoring, p.oxygen_prescription,
              p.admitted_at, p.discharged_at, s.total AS news2_total, s.red_score AS news2_red, s.scored_at AS news2_at
       FROM patients p
       LEFT JOIN LATERAL (
         SELECT total, red_score, scored_at FROM news2_scores
         WHERE patient_id = p.id AND NOT retrospective AND p.monitoring ? 'tightening'
         ORDER BY scored_at DESC LIMIT 1
       ) s ON true
       WHERE discharged_at IS NULL AND monitoring ? 'intervalMinutes'
         AND jsonb_array_length(coalesce(monitoring -> 'requiredParameters', '[]'::jsonb)) > 0`,
    );
    return rows.map(toContext);
  }

  /** Heartbeats: last seen only moves forward; values a heartbeat omits are kept. One statement. */
  async recordDeviceStatuses(tx: SqlClient, updates: readonly DeviceStatusUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await tx.query(
      `UPDATE devices d SET
         last_seen_at = GREATEST(COALESCE(d.last_seen_at, u.seen_at), u.seen_at),
         battery = COALESCE(u.battery, d.battery),
         signal_dbm = COALESCE(u.signal_dbm, d.signal_dbm),
         firmware = COALESCE(u.firmware, d.firmware)
       FROM unnest($1::text[], $2::timestamptz[], $3::real[], $4::real[], $5::text[])
         AS u(device_id, seen_at, battery, signal_dbm, firmware)
       WHERE d.id = u.device_id`,
      [
        updates.map((u) => u.deviceId),
        updates.map((u) => u.seenAt),
        updates.map((u) => u.battery),
        updates.map((u) => u.signalDbm),
        updates.map((u) => u.firmware),
      ],
    );
  }

  /** Active devices bound now to admitted patients. */
  async boundDevices(tx: SqlClient, now: Date): Promise<BoundDevice[]> {
    const rows = await tx.query<{
      device_id: string;
      patient_id: string;
      ward_id: string;
      last_seen_at: Date | null;
      valid_from: Date;
      kind: BoundDevice['kind'];
    }>(
      `SELECT b.device_id, b.patient_id, p.ward_id, d.last_seen_at, b.valid_from, d.kind
       FROM device_bindings b
       JOIN devices d ON d.id = b.device_id AND d.status = 'active'
       JOIN patients p ON p.id = b.patient_id AND p.discharged_at IS NULL
       WHERE b.valid_from <= $1 AND (b.valid_to IS NULL OR b.valid_to > $1)`,
      [now],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      patientId: r.patient_id,
      wardId: r.ward_id,
      lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at),
      boundFrom: new Date(r.valid_from),
      kind: r.kind,
    }));
  }

  /**
   * Takes a transaction-scoped advisory lock for one timer; false when another instance holds it, so
   * timers never double-fire across scorer instances.
   */
  async tryTimerLock(tx: SqlClient, timer: string): Promise<boolean> {
    const [row] = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('vigil-timer'), hashtext($1)) AS locked`,
      [timer],
    );
    return row?.locked === true;
  }

  /**
   * One statement per heartbeat (two of one source may not share an upsert), all issued at once: in the transaction
   * they share a round trip, run in order, and none is left to issue after the caller's COMMIT.
   */
  async recordPipelineHeartbeats(
    tx: SqlTransaction,
    beats: readonly { source: string; heartbeatId: string; emittedAt: Date; receivedAt: Date }[],
  ): Promise<void> {
    await Promise.all(
      beats.map((b) =>
        tx.query(
          `INSERT INTO pipeline_heartbeats (source, heartbeat_id, emitted_at, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (source) DO UPDATE SET heartbeat_id = EXCLUDED.heartbeat_id,
           emitted_at = GREATEST(pipeline_heartbeats.emitted_at, EXCLUDED.emitted_at),
           received_at = GREATEST(pipeline_heartbeats.received_at, EXCLUDED.received_at),
           stalled_since = NULL`,
          [b.source, b.heartbeatId, b.emittedAt, b.receivedAt],
        ),
      ),
    );
  }

  /** The newest heartbeat from any source, or null when none was ever seen. */
  async lastPipelineHeartbeat(sql: SqlClient): Promise<Date | null> {
    const [row] = await sql.query<{ at: Date | null }>(
      `SELECT max(emitted_at) AS at FROM pipeline_heartbeats`,
    );
    return row?.at ? new Date(row.at) : null;
  }
}
