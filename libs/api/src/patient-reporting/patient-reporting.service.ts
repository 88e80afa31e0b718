import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { streamTopics } from '@vigil/contracts';
import {
  adviceFor,
  type Advice,
  type AnswerError,
  answersRecord,
  displayAccessCode,
  fallAwaitingAnswers,
  POST_FALL_WINDOW_HOURS,
  postFallAlertFor,
  newAccessCode,
  normaliseAccessCode,
  parseAnswers,
  POST_FALL_QUESTIONNAIRE,
  type Questionnaire,
  questionnaireFor,
  type Reporter,
  reportedValues,
  sourceOf,
} from '@vigil/questionnaires';
import {
  type AccessCodeRecord,
  AlertsRepository,
  PatientAccessRepository,
  type PatientSessionRecord,
  ReportedAnswersRepository,
  SqlDatabase,
  type StoredReportedAnswers,
} from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { API_STREAM } from '../api.options';
import { AccessService } from '../auth/access.service';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { reportedObservationEvents } from './reported-observations';

/** A code lasts 14 days unless the ward says otherwise (at most 90): a stale link stops working (HZ-41). */
export const DEFAULT_CODE_DAYS = 14;
export const MAX_CODE_DAYS = 90;
/** Patient sessions: 30 minutes idle, 4 hours at most, never past the code's expiry. */
export const PATIENT_SESSION_LIMITS = { idleMs: 30 * 60_000, absoluteMs: 4 * 3_600_000 };
/** Wrong codes allowed per client address per 15 minutes. */
export const SIGN_IN_FAILURES_PER_ADDRESS = 10;
/** Questionnaires one code may send per hour (a stuck button or a script cannot flood the ward). */
export const REPORTS_PER_CODE_PER_HOUR = 12;

export type QuestionnaireKind = 'check-in' | 'post-fall';

export type SubmitResult =
  | { ok: true; advice: Advice; answeredAt: Date; stored: StoredReportedAnswers }
  | { ok: false; errors: AnswerError[] };

export function hashPatientToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The anti-forgery token of a patient session's forms: derived from the session token, never stored. */
export function formToken(sessionToken: string): string {
  return createHash('sha256').update(`vigil-patient-form:${sessionToken}`, 'utf8').digest('base64url');
}

/**
 * Patient and carer reporting (issue 14): the ward issues and revokes access codes; a code opens a patient
 * session (its own table and cookie, never a nurse's); answers are validated by `@vigil/questionnaires`,
 * published to `vitals.observations` with their source (the scorer stores and scores them like any reading)
 * and recorded with the advice the person was shown. A nurse can enter the same answers by phone.
 */
@Injectable()
export class PatientReportingService {
  private readonly access = new PatientAccessRepository();
  private readonly answers = new ReportedAnswersRepository();
  private readonly alerts = new AlertsRepository();
  private readonly failures = new RateLimiterMemory({
    keyPrefix: 'patient-code-address',
    points: SIGN_IN_FAILURES_PER_ADDRESS,
    duration: 15 * 60,
  });

  constructor(
    private readonly db: SqlDatabase,
    private readonly staffAccess: AccessService,
    @Inject(API_STREAM) private readonly stream: StreamPort,
  ) {}

  // --- Staff: codes ---------------------------------------------------------------------------------------

  /** Issues a code for an admitted patient; the code itself is returned once and never stored. */
  async issueCode(
    p: Principal,
    patientId: string,
    body: { label?: string; validDays?: number },
    now = new Date(),
  ): Promise<{ code: string; record: AccessCodeRecord }> {
    const patient = await this.staffAccess.requirePatient(p, patientId, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is discharged');
    const days = body.validDays ?? DEFAULT_CODE_DAYS;
    const code = newAccessCode((n) => randomBytes(n));
    const record = await this.access.issue(this.db, {
      patientId,
      code,
      label: body.label?.trim() || null,
      issuedBy: p.userId,
      now,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
    });
    return { code: displayAccessCode(code), record };
  }

  async listCodes(p: Principal, patientId: string): Promise<AccessCodeRecord[]> {
    await this.staffAccess.requirePatient(p, patientId, 'read');
    return this.access.listForPatient(this.db, patientId);
  }

  async revokeCode(p: Principal, patientId: string, codeId: string): Promise<void> {
    await this.staffAccess.requirePatient(p, patientId, 'write');
    if (!(await this.access.revoke(this.db, patientId, codeId, p.userId, new Date()))) {
      throw ApiError.notFound('access code');
    }
  }

  async listAnswers(p: Principal, patientId: string): Promise<StoredReportedAnswers[]> {
    await this.staffAccess.requirePatient(p, patientId, 'read');
    return this.answers.listForPatient(this.db, patientId);
  }

  /** A nurse enters a patient's answers taken over the phone (source `nurse-reported-by-phone`). */
  async reportByPhone(
    p: Principal,
    patientId: string,
    kind: QuestionnaireKind,
    raw: Record<string, unknown>,
  ): Promise<SubmitResult> {
    const patient = await this.staffAccess.requirePatient(p, patientId, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is discharged');
    return this.submitAnswers({
      patientId,
      pathway: patient.pathway,
      kind,
      raw,
      reporter: 'nurse-by-phone',
      enteredBy: p.userId,
      codeId: null,
    });
  }

  // --- Patients and carers ----------------------------------------------------------------------------------

  /**
   * Signs in with a typed code: a new session token, or why not. Wrong codes count against the client
   * address; past the limit every attempt is refused for the window, right or wrong.
   */
  async signIn(
    typed: string,
    address: string,
    now = new Date(),
  ): Promise<{ ok: true; token: string } | { ok: false; reason: 'missing' | 'wrong' | 'too-many' }> {
    if (typed.trim() === '') return { ok: false, reason: 'missing' };
    const used = await this.failures.get(address);
    if (used && used.consumedPoints >= SIGN_IN_FAILURES_PER_ADDRESS) return { ok: false, reason: 'too-many' };
    const code = normaliseAccessCode(typed);
    const token = randomBytes(32).toString('base64url');
    const opened = code
      ? await this.access.openSession(this.db, code, hashPatientToken(token), now, PATIENT_SESSION_LIMITS)
      : null;
    if (!opened) {
      await this.failures.consume(address).catch(() => undefined);
      return { ok: false, reason: 'wrong' };
    }
    return { ok: true, token };
  }

  async session(token: string | undefined, now = new Date()): Promise<PatientSessionRecord | null> {
    if (!token) return null;
    return this.access.touchSession(this.db, hashPatientToken(token), now, PATIENT_SESSION_LIMITS);
  }

  async confirm(session: PatientSessionRecord, reporter: 'patient' | 'carer'): Promise<void> {
    await this.access.confirm(this.db, session.sessionId, reporter, new Date());
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.access.endSession(this.db, hashPatientToken(token), new Date());
  }

  /**
   * The fall the patient page should ask about first (issue 14): the newest fall alert of the last day with
   * no post-fall answers since it, or null.
   */
  async fallAwaiting(patientId: string, now = new Date()): Promise<{ alertId: string; at: Date } | null> {
    const since = new Date(now.getTime() - POST_FALL_WINDOW_HOURS * 3_600_000);
    const fall = fallAwaitingAnswers(now, await this.answers.fallsSince(this.db, patientId, since));
    return fall ? { alertId: fall.alertId, at: fall.openedAt } : null;
  }

  questionnaireOf(session: Pick<PatientSessionRecord, 'pathway'>, kind: QuestionnaireKind): Questionnaire {
    return kind === 'post-fall' ? POST_FALL_QUESTIONNAIRE : questionnaireFor(session.pathway);
  }

  /** A confirmed session's answers; refused past the per-code rate. */
  async submitFromSession(
    session: PatientSessionRecord,
    kind: QuestionnaireKind,
    raw: Record<string, unknown>,
  ): Promise<SubmitResult | { ok: false; rateLimited: true }> {
    if (!session.reporter) throw ApiError.forbidden('confirm who is answering first');
    const since = new Date(Date.now() - 3_600_000);
    if ((await this.answers.countForCodeSince(this.db, session.codeId, since)) >= REPORTS_PER_CODE_PER_HOUR) {
      return { ok: false, rateLimited: true };
    }
    return this.submitAnswers({
      patientId: session.patientId,
      pathway: session.pathway,
      kind,
      raw,
      reporter: session.reporter,
      enteredBy: `access-code:${session.codeId}`,
      codeId: session.codeId,
    });
  }

  private async submitAnswers(input: {
    patientId: string;
    pathway: string;
    kind: QuestionnaireKind;
    raw: Record<string, unknown>;
    reporter: Reporter;
    enteredBy: string;
    codeId: string | null;
  }): Promise<SubmitResult> {
    const q = this.questionnaireOf({ pathway: input.pathway }, input.kind);
    const parsed = parseAnswers(q, input.raw);
    if (!parsed.ok) return parsed;
    const now = new Date();
    const messageId = randomUUID();
    const source = sourceOf(input.reporter);
    const events = reportedObservationEvents({
      values: reportedValues(q, parsed.answers),
      patientId: input.patientId,
      source,
      enteredBy: input.enteredBy,
      messageId,
      measuredAt: now,
      receivedAt: now,
    });
    // Durable on the stream first (the scorer stores and scores them), then recorded with the answers.
    if (events.length > 0) {
      await this.stream.publish(
        streamTopics.observations,
        events.map((e) => ({ key: input.patientId, value: e })),
      );
    }
    const advice = adviceFor(q, parsed.answers);
    const record = answersRecord(parsed.answers);
    // Issue 14 (HZ-68): answers after a fall attach to that fall's alert and go in its audit trail, so the
    // nurse who opens it sees them.
    const fall =
      input.kind === 'post-fall'
        ? postFallAlertFor(
            now,
            await this.answers.fallsSince(
              this.db,
              input.patientId,
              new Date(now.getTime() - POST_FALL_WINDOW_HOURS * 3_600_000),
            ),
          )
        : null;
    const stored = await this.db.transaction(async (tx) => {
      const added = await this.answers.add(tx, {
        patientId: input.patientId,
        questionnaireId: q.id,
        questionnaireVersion: q.version,
        source,
        enteredBy: input.enteredBy,
        codeId: input.codeId,
        answers: record,
        advice,
        messageId,
        observationIds: events.map((e) => e.observation.id),
        answeredAt: now,
        alertId: fall?.alertId ?? null,
      });
      if (fall) {
        await this.alerts.audit(tx, [
          {
            alertId: fall.alertId,
            at: now,
            actor: input.enteredBy,
            action: 'post-fall-answers',
            fromState: fall.state,
            toState: fall.state,
            detail: { reportedAnswersId: added.id, source, advice, answers: record },
          },
        ]);
      }
      return added;
    });
    return { ok: true, advice, answeredAt: now, stored };
  }
}
