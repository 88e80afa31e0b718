import { z } from 'zod';

/** Issue 14: the ward issues a patient access code (shown once), optionally naming who it is for. */
export const issueAccessCodeRequestSchema = z.object({
  label: z.string().trim().max(80).optional(),
  /** Days until it stops working (default 14, at most 90). */
  validDays: z.number().int().min(1).max(90).optional(),
});
export type IssueAccessCodeRequest = z.infer<typeof issueAccessCodeRequestSchema>;

export interface AccessCodeView {
  id: string;
  label: string | null;
  issuedBy: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: 'live' | 'expired' | 'revoked';
}

/** The answer to issuing: the code itself, shown once and never stored, and the link that carries it. */
export interface IssuedAccessCode extends AccessCodeView {
  code: string;
  /** Path of the sign-in link (`/p/c/{code}`), to prefix with the site's address. */
  linkPath: string;
}

export const QUESTIONNAIRE_KINDS = ['check-in', 'post-fall'] as const;

/**
 * A nurse enters a patient's answers taken by phone: question id → `yes`/`no`/`not-sure`, a number, or (issue 14:
 * "what happened" after a fall) the person's words; each question's own limit is checked by the questionnaire.
 */
export const phoneReportRequestSchema = z.object({
  kind: z.enum(QUESTIONNAIRE_KINDS).default('check-in'),
  answers: z.record(z.string().max(64), z.string().max(2000)),
});
export type PhoneReportRequest = z.infer<typeof phoneReportRequestSchema>;

export interface ReportedAnswersView {
  id: string;
  questionnaireId: string;
  source: 'patient-reported' | 'carer-reported' | 'nurse-reported-by-phone';
  enteredBy: string;
  answers: Record<string, string>;
  advice: 'none' | 'call-ward' | 'call-999';
  observationIds: string[];
  answeredAt: string;
  /** Issue 14: the fall alert post-fall answers are about (null for every other questionnaire). */
  alertId: string | null;
}
