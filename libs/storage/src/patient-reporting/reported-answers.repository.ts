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
}

const COLUMNS = `id, patient_id, questionnaire_id, questionnaire_version, source, entered_by, code_id, answers, advice,
  message_id, observation_ids, answered_at`;

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
});

/** Questionnaires answered by patients, carers, or a nurse on the phone (issue 14), kept for the record. */
export class ReportedAnswersRepository {
  async add(sql: SqlClient, a: ReportedAnswersToStore): Promise<StoredReportedAnswers> {
    const [row] = await sql.query<Row>(
      `INSERT INTO reported_answers (patient_id, questionnaire_id, questionnaire_version, source, entered_by, code_id,
         answers, advice, message_id, observation_ids, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::text[], $11) RETURNING ${COLUMNS}`,
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
