import type { AlertState } from '@vigil/contracts';
import type { SqlClient } from '../timeseries/sql-client';

export interface ReportedAnswersToStore {
  patientId: string;
  questionnaireId: string;
  questionnaireVersion: number;
  source: 'patient-reported' | 'carer-reported' | 'nurse-reported-by-phone';
  enteredBy: string;
  codeId: string | null;
  answers: Record<string, string>;
  advice: 'none' | 'call-ward' | 'call-999';
  messageId: string;
  observationIds: string[];
  answeredAt: Date;
  /** Issue 14: the fall alert post-fall answers are about, or null. */
  alertId?: string | null;
}

export type StoredReportedAnswers = ReportedAnswersToStore & { id: string };

interface Row {
  id: string;
  patient_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
  source: StoredReportedAnswers['source'];
  entered_by: string;
  code_id: string | null;
  answers: Record<string, string>;
  advice: StoredReportedAnswers['advice'];
  message_id: string;
  observation_ids: string[];
  answered_at: Date;
  alert_id: string | null;
}

const COLUMNS = `id, patient_id, questionnaire_id, questionnaire_version, source, entered_by, code_id, answers, advice,
  message_id, observation_ids, answered_at, alert_id`;

const fromRow = (r: Row): StoredReportedAnswers => ({
  id: r.id,
  patientId: r.patient_id,
  questionnaireId: r.questionnaire_id,
  questionnaireVersion: r.questionnaire_version,
  source: r.source,
  enteredBy: r.entered_by,
  codeId: r.code_id,
  answers: r.answers,
  advice: r.advice,
  messageId: r.message_id,
  observationIds: r.observation_ids ?? [],
  answeredAt: new Date(r.answered_at),
  alertId: r.alert_id,
});

/** Questionnaires answered by patients, carers, or a nurse on the phone (issue 14), kept for the record. */
export class ReportedAnswersRepository {
  async add(sql: SqlClient, a: ReportedAnswersToStore): Promise<StoredReportedAnswers> {
    const [row] = await sql.query<Row>(
      `INSERT INTO reported_answers (patient_id, questionnaire_id, questionnaire_version, source, entered_by, code_id,
         answers, advice, message_id, observation_ids, answered_at, alert_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::text[], $11, $12) RETURNING ${COLUMNS}`,
      [
        a.patientId,
        a.questionnaireId,
        a.questionnaireVersion,
        a.source,
        a.enteredBy,
        a.codeId,
        JSON.stringify(a.answers),
        a.advice,
        a.messageId,
        a.observationIds,
        a.answeredAt,
        a.alertId ?? null,
      ],
    );
    return fromRow(row);
  }

  async listForPatient(sql: SqlClient, patientId: string, limit = 50): Promise<StoredReportedAnswers[]> {
    const rows = await sql.query<Row>(
      `SELECT ${COLUMNS} FROM reported_answers WHERE patient_id = $1 ORDER BY answered_at DESC LIMIT $2`,
      [patientId, limit],
    );
    return rows.map(fromRow);
  }

  /** The answers attached to one alert (post-fall answers on a fall), oldest first. */
  async listForAlert(sql: SqlClient, alertId: string): Promise<StoredReportedAnswers[]> {
    const rows = await sql.query<Row>(
      `SELECT ${COLUMNS} FROM reported_answers WHERE alert_id = $1 ORDER BY answered_at`,
      [alertId],
    );
    return rows.map(fromRow);
  }

  /**
   * A patient's falls since `since`, newest first: each fall alert with the time of its newest fall (a repeat
   * fall reopens the same alert, so that is its last observation, not when it opened) and whether post-fall
   * answers came in since then (what `postFallAlertFor` chooses from).
   */
  async fallsSince(
    sql: SqlClient,
    patientId: string,
    since: Date,
  ): Promise<{ alertId: string; openedAt: Date; answered: boolean; state: AlertState }[]> {
    const rows = await sql.query<{ id: string; opened_at: Date; answered: boolean; state: AlertState }>(
      `SELECT a.id, a.state, f.at AS opened_at,
              EXISTS (SELECT 1 FROM reported_answers r WHERE r.alert_id = a.id AND r.answered_at >= f.at) AS answered
       FROM alerts a CROSS JOIN LATERAL (SELECT greatest(a.opened_at, coalesce(a.last_observation_at, a.opened_at)) AS at) f
       WHERE a.patient_id = $1 AND a.rule_id = 'fall' AND f.at >= $2
       ORDER BY f.at DESC`,
      [patientId, since],
    );
    return rows.map((r) => ({
      alertId: r.id,
      openedAt: new Date(r.opened_at),
      answered: Boolean(r.answered),
      state: r.state,
    }));
  }

  /** How many questionnaires a code sent since `since` (the per-code rate limit). */
  async countForCodeSince(sql: SqlClient, codeId: string, since: Date): Promise<number> {
    const [r] = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM reported_answers WHERE code_id = $1 AND answered_at >= $2`,
      [codeId, since],
    );
    return Number(r?.n ?? 0);
  }

  /** The newest check-in of each patient (SMI plan: a missed weekly check-in). */
  async lastAnsweredAt(sql: SqlClient, patientIds: readonly string[]): Promise<Map<string, Date>> {
    if (patientIds.length === 0) return new Map();
    const rows = await sql.query<{ patient_id: string; at: Date }>(
      `SELECT patient_id, max(answered_at) AS at FROM reported_answers WHERE patient_id = ANY($1::uuid[])
       GROUP BY patient_id`,
      [patientIds],
    );
    return new Map(rows.map((r) => [r.patient_id, new Date(r.at)]));
  }
}
