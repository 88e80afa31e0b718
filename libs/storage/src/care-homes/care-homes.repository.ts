import type { AlertRecord } from '@vigil/alerting';
import { alertFromRow, ALERT_COLUMNS } from '../alerts/alert-record';
import type { SqlClient } from '../timeseries/sql-client';

const ALERT_SELECT = ALERT_COLUMNS.map(([, column]) => `a.${column}`).join(', ');

export interface CareHomeRecord {
  id: string;
  name: string;
  escalationWardId: string;
  createdAt: Date;
}

export interface ResidentRecord {
  patientId: string;
  careHomeId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  room: string | null;
  fallsPreventionSince: Date | null;
  /** Discharged patients stay residents (the home's history) but no longer send anything. */
  dischargedAt: Date | null;
}

export interface CareHomeDeviceRecord {
  deviceId: string;
  careHomeId: string;
  kind: 'falls-sensor' | 'bed-sensor' | 'chair-sensor';
  location: string | null;
  boundPatientId: string | null;
}

/** A fall of a resident: the alert episode with who it is. */
export interface ResidentFall {
  alert: AlertRecord;
  givenName: string;
  familyName: string;
  room: string | null;
}

interface HomeRow {
  id: string;
  name: string;
  escalation_ward_id: string;
  created_at: Date;
}
const home = (r: HomeRow): CareHomeRecord => ({
  id: r.id,
  name: r.name,
  escalationWardId: r.escalation_ward_id,
  createdAt: new Date(r.created_at),
});

/** Care homes, their residents, staff and devices (issue 14), and their residents' falls. */
export class CareHomesRepository {
  async create(sql: SqlClient, input: { name: string; escalationWardId: string }): Promise<CareHomeRecord> {
    const [row] = await sql.query<HomeRow>(
      `INSERT INTO care_homes (name, escalation_ward_id) VALUES ($1, $2) RETURNING id, name, escalation_ward_id, created_at`,
      [input.name, input.escalationWardId],
    );
    return home(row);
  }

  /** Homes, all or those listed. */
  async list(sql: SqlClient, ids: readonly string[] | 'all'): Promise<CareHomeRecord[]> {
    const rows =
      ids === 'all'
        ? await sql.query<HomeRow>(
            `SELECT id, name, escalation_ward_id, created_at FROM care_homes ORDER BY name`,
          )
        : await sql.query<HomeRow>(
            `SELECT id, name, escalation_ward_id, created_at FROM care_homes WHERE id = ANY($1::uuid[]) ORDER BY name`,
            [ids],
          );
    return rows.map(home);
  }

  async find(sql: SqlClient, id: string): Promise<CareHomeRecord | null> {
    const [row] = await sql.query<HomeRow>(
      `SELECT id, name, escalation_ward_id, created_at FROM care_homes WHERE id = $1`,
      [id],
    );
    return row ? home(row) : null;
  }

  /** Makes a patient a resident of a home (moving them if they lived in another), enrolled in falls prevention or not. */
  async addResident(
    sql: SqlClient,
    input: {
      careHomeId: string;
      patientId: string;
      room: string | null;
      fallsPrevention: boolean;
      by: string;
      now: Date;
    },
  ): Promise<void> {
    await sql.query(
      `INSERT INTO care_home_residents (patient_id, care_home_id, room, falls_prevention_since, enrolled_by)
       VALUES ($1, $2, $3, CASE WHEN $4 THEN $5::timestamptz END, $6)
       ON CONFLICT (patient_id) DO UPDATE SET care_home_id = EXCLUDED.care_home_id, room = EXCLUDED.room,
         falls_prevention_since = CASE WHEN $4 THEN coalesce(care_home_residents.falls_prevention_since, $5::timestamptz) END,
         enrolled_by = EXCLUDED.enrolled_by`,
      [input.patientId, input.careHomeId, input.room, input.fallsPrevention, input.now, input.by],
    );
  }

  async setFallsPrevention(
    sql: SqlClient,
    careHomeId: string,
    patientId: string,
    on: boolean,
    now: Date,
  ): Promise<boolean> {
    const rows = await sql.query<{ patient_id: string }>(
      `UPDATE care_home_residents SET falls_prevention_since = CASE WHEN $3 THEN coalesce(falls_prevention_since, $4::timestamptz) END
       WHERE care_home_id = $1 AND patient_id = $2 RETURNING patient_id`,
      [careHomeId, patientId, on, now],
    );
    return rows.length > 0;
  }

  async residents(sql: SqlClient, careHomeId: string): Promise<ResidentRecord[]> {
    const rows = await sql.query<{
      patient_id: string;
      care_home_id: string;
      nhs_number: string;
      given_name: string;
      family_name: string;
      room: string | null;
      falls_prevention_since: Date | null;
      discharged_at: Date | null;
    }>(
      `SELECT r.patient_id, r.care_home_id, p.nhs_number, p.given_name, p.family_name, r.room, r.falls_prevention_since,
              p.discharged_at
       FROM care_home_residents r JOIN patients p ON p.id = r.patient_id
       WHERE r.care_home_id = $1 ORDER BY p.family_name, p.given_name`,
      [careHomeId],
    );
    return rows.map((r) => ({
      patientId: r.patient_id,
      careHomeId: r.care_home_id,
      nhsNumber: r.nhs_number,
      givenName: r.given_name,
      familyName: r.family_name,
      room: r.room,
      fallsPreventionSince: r.falls_prevention_since ? new Date(r.falls_prevention_since) : null,
      dischargedAt: r.discharged_at ? new Date(r.discharged_at) : null,
    }));
  }

  async addStaff(sql: SqlClient, careHomeId: string, userId: string): Promise<void> {
    await sql.query(
      `INSERT INTO care_home_staff (user_id, care_home_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [userId, careHomeId],
    );
  }

  /** The care home a patient lives in, or null (issue 14: where their falls' notifications go). */
  async homeOfResident(sql: SqlClient, patientId: string): Promise<string | null> {
    const rows = await sql.query<{ care_home_id: string }>(
      `SELECT care_home_id FROM care_home_residents WHERE patient_id = $1`,
      [patientId],
    );
    return rows[0]?.care_home_id ?? null;
  }

  async homesOfStaff(sql: SqlClient, userId: string): Promise<string[]> {
    const rows = await sql.query<{ care_home_id: string }>(
      `SELECT care_home_id FROM care_home_staff WHERE user_id = $1`,
      [userId],
    );
    return rows.map((r) => r.care_home_id);
  }

  async addDevice(
    sql: SqlClient,
    input: {
      careHomeId: string;
      deviceId: string;
      kind: CareHomeDeviceRecord['kind'];
      location: string | null;
    },
  ): Promise<void> {
    await sql.query(
      `INSERT INTO care_home_devices (device_id, care_home_id, kind, location) VALUES ($1, $2, $3, $4)
       ON CONFLICT (device_id) DO UPDATE SET care_home_id = EXCLUDED.care_home_id, kind = EXCLUDED.kind,
         location = EXCLUDED.location`,
      [input.deviceId, input.careHomeId, input.kind, input.location],
    );
  }

  async devices(sql: SqlClient, careHomeId: string): Promise<CareHomeDeviceRecord[]> {
    const rows = await sql.query<{
      device_id: string;
      care_home_id: string;
      kind: CareHomeDeviceRecord['kind'];
      location: string | null;
      patient_id: string | null;
    }>(
      `SELECT d.device_id, d.care_home_id, d.kind, d.location,
              (SELECT b.patient_id FROM device_bindings b WHERE b.device_id = d.device_id AND b.valid_to IS NULL
               LIMIT 1) AS patient_id
       FROM care_home_devices d WHERE d.care_home_id = $1 ORDER BY d.device_id`,
      [careHomeId],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      careHomeId: r.care_home_id,
      kind: r.kind,
      location: r.location,
      boundPatientId: r.patient_id,
    }));
  }

  /** Falls of the home's residents opened since `since` (the falls view), newest first, at most 1000. */
  async falls(sql: SqlClient, careHomeId: string, since: Date): Promise<ResidentFall[]> {
    const rows = await sql.query<
      Record<string, unknown> & { given_name: string; family_name: string; room: string | null }
    >(
      `SELECT ${ALERT_SELECT}, p.given_name, p.family_name, r.room
       FROM alerts a JOIN care_home_residents r ON r.patient_id = a.patient_id JOIN patients p ON p.id = a.patient_id
       WHERE r.care_home_id = $1 AND a.rule_id = 'fall' AND a.opened_at >= $2
       ORDER BY a.opened_at DESC LIMIT 1000`,
      [careHomeId, since],
    );
    return rows.map((r) => ({
      alert: alertFromRow(r),
      givenName: r.given_name,
      familyName: r.family_name,
      room: r.room,
    }));
  }

  /** A fall of one of this home's residents, row-locked for an action; null when it is not one. */
  async lockFall(tx: SqlClient, careHomeId: string, alertId: string): Promise<AlertRecord | null> {
    const [row] = await tx.query(
      `SELECT ${ALERT_SELECT} FROM alerts a JOIN care_home_residents r ON r.patient_id = a.patient_id
       WHERE a.id = $1 AND r.care_home_id = $2 AND a.rule_id = 'fall' FOR UPDATE OF a`,
      [alertId, careHomeId],
    );
    return row ? alertFromRow(row) : null;
  }
}
