import { createHash } from 'node:crypto';
import type { SqlClient } from '../timeseries/sql-client';

/** Codes are 50 random bits tried at a limited rate: SHA-256 is enough, and keeps the lookup indexed. */
export function hashAccessCode(code: string): string {
  return createHash('sha256').update(`vigil-access-code:${code}`, 'utf8').digest('hex');
}

export interface AccessCodeRecord {
  id: string;
  patientId: string;
  label: string | null;
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

/** A patient session with the patient it is for, as every patient-page request sees it. */
export interface PatientSessionRecord {
  sessionId: string;
  codeId: string;
  patientId: string;
  reporter: 'patient' | 'carer' | null;
  confirmedAt: Date | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  pathway: string;
  wardId: string;
}

export interface PatientSessionLimits {
  idleMs: number;
  absoluteMs: number;
}

interface CodeRow {
  id: string;
  patient_id: string;
  label: string | null;
  issued_by: string;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const CODE_COLUMNS = `id, patient_id, label, issued_by, issued_at, expires_at, revoked_at, revoked_by, last_used_at`;

function codeFromRow(r: CodeRow): AccessCodeRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    label: r.label,
    issuedBy: r.issued_by,
    issuedAt: new Date(r.issued_at),
    expiresAt: new Date(r.expires_at),
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    revokedBy: r.revoked_by,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  };
}

/**
 * Patient access codes and the sessions they open (issue 14). A code works only while it is neither expired
 * nor revoked and its patient is admitted: every session request checks all three again, so revoking a code
 * or discharging the patient ends its sessions at once (HZ-41).
 */
export class PatientAccessRepository {
  async issue(
    sql: SqlClient,
    input: {
      patientId: string;
      code: string;
      label: string | null;
      issuedBy: string;
      now: Date;
      expiresAt: Date;
    },
  ): Promise<AccessCodeRecord> {
    const [row] = await sql.query<CodeRow>(
      `INSERT INTO patient_access_codes (patient_id, code_hash, label, issued_by, issued_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CODE_COLUMNS}`,
      [input.patientId, hashAccessCode(input.code), input.label, input.issuedBy, input.now, input.expiresAt],
    );
    return codeFromRow(row);
  }

  async listForPatient(sql: SqlClient, patientId: string): Promise<AccessCodeRecord[]> {
    const rows = await sql.query<CodeRow>(
      `SELECT ${CODE_COLUMNS} FROM patient_access_codes WHERE patient_id = $1 ORDER BY issued_at DESC LIMIT 50`,
      [patientId],
    );
    return rows.map(codeFromRow);
  }

  /** Revokes a code of this patient and ends its sessions; false when there is no such unrevoked code. */
  async revoke(sql: SqlClient, patientId: string, codeId: string, by: string, now: Date): Promise<boolean> {
    const rows = await sql.query<{ id: string }>(
      `WITH c AS (
         UPDATE patient_access_codes SET revoked_at = $4, revoked_by = $3
         WHERE id = $2 AND patient_id = $1 AND revoked_at IS NULL RETURNING id),
       s AS (
         UPDATE patient_sessions SET ended_at = $4 WHERE code_id IN (SELECT id FROM c) AND ended_at IS NULL
         RETURNING id)
       SELECT id FROM c`,
      [patientId, codeId, by, now],
    );
    return rows.length > 0;
  }

  /** Revokes every live code of a patient (discharge, or the ward suspects a code went to the wrong person). */
  async revokeAllForPatient(sql: SqlClient, patientId: string, by: string, now: Date): Promise<number> {
    const rows = await sql.query<{ id: string }>(
      `WITH c AS (
         UPDATE patient_access_codes SET revoked_at = $3, revoked_by = $2
         WHERE patient_id = $1 AND revoked_at IS NULL RETURNING id),
       s AS (
         UPDATE patient_sessions SET ended_at = $3 WHERE code_id IN (SELECT id FROM c) AND ended_at IS NULL
         RETURNING id)
       SELECT id FROM c`,
      [patientId, by, now],
    );
    return rows.length;
  }

  /**
   * Opens a session with a code when the code is live (not expired, not revoked, patient admitted); null
   * otherwise, without saying which (a guesser learns nothing).
   */
  async openSession(
    sql: SqlClient,
    code: string,
    tokenHash: string,
    now: Date,
    limits: PatientSessionLimits,
  ): Promise<{ sessionId: string; patientId: string } | null> {
    const absolute = new Date(now.getTime() + limits.absoluteMs);
    const idle = new Date(Math.min(now.getTime() + limits.idleMs, absolute.getTime()));
    const rows = await sql.query<{ id: string; patient_id: string }>(
      `WITH c AS (
         UPDATE patient_access_codes pc SET last_used_at = $3
         FROM patients p
         WHERE pc.code_hash = $1 AND pc.revoked_at IS NULL AND pc.expires_at > $3
           AND p.id = pc.patient_id AND p.discharged_at IS NULL
         RETURNING pc.id, pc.patient_id, pc.expires_at)
       INSERT INTO patient_sessions (token_hash, code_id, patient_id, created_at, last_seen_at, idle_expires_at,
                                     absolute_expires_at)
       SELECT $2, c.id, c.patient_id, $3, $3, LEAST($4::timestamptz, c.expires_at), LEAST($5::timestamptz, c.expires_at)
       FROM c RETURNING id, patient_id`,
      [hashAccessCode(code), tokenHash, now, idle, absolute],
    );
    const r = rows[0];
    return r ? { sessionId: r.id, patientId: r.patient_id } : null;
  }

  /** The live session for a token (its code still live, its patient admitted); slides the idle expiry. */
  async touchSession(
    sql: SqlClient,
    tokenHash: string,
    now: Date,
    limits: PatientSessionLimits,
  ): Promise<PatientSessionRecord | null> {
    const rows = await sql.query<{
      id: string;
      code_id: string;
      patient_id: string;
      reporter: 'patient' | 'carer' | null;
      confirmed_at: Date | null;
      given_name: string;
      family_name: string;
      date_of_birth: string | Date | null;
      pathway: string;
      ward_id: string;
    }>(
      `WITH s AS (
         UPDATE patient_sessions ps SET last_seen_at = $2,
           idle_expires_at = LEAST($2::timestamptz + make_interval(secs => $3::float8 / 1000), ps.absolute_expires_at)
         FROM patient_access_codes c, patients p
         WHERE ps.token_hash = $1 AND ps.ended_at IS NULL AND ps.idle_expires_at > $2 AND ps.absolute_expires_at > $2
           AND c.id = ps.code_id AND c.revoked_at IS NULL AND c.expires_at > $2
           AND p.id = ps.patient_id AND p.discharged_at IS NULL
         RETURNING ps.id, ps.code_id, ps.patient_id, ps.reporter, ps.confirmed_at)
       SELECT s.*, p.given_name, p.family_name, to_char(p.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, p.pathway,
              p.ward_id
       FROM s JOIN patients p ON p.id = s.patient_id`,
      [tokenHash, now, limits.idleMs],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      sessionId: r.id,
      codeId: r.code_id,
      patientId: r.patient_id,
      reporter: r.reporter,
      confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
      givenName: r.given_name,
      familyName: r.family_name,
      dateOfBirth: r.date_of_birth === null ? null : String(r.date_of_birth),
      pathway: r.pathway,
      wardId: r.ward_id,
    };
  }

  /** Records who is answering, after they saw whose record it is (HZ-40). */
  async confirm(sql: SqlClient, sessionId: string, reporter: 'patient' | 'carer', now: Date): Promise<void> {
    await sql.query(`UPDATE patient_sessions SET reporter = $2, confirmed_at = $3 WHERE id = $1`, [
      sessionId,
      reporter,
      now,
    ]);
  }

  async endSession(sql: SqlClient, tokenHash: string, now: Date): Promise<void> {
    await sql.query(`UPDATE patient_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL`, [
      tokenHash,
      now,
    ]);
  }
}
