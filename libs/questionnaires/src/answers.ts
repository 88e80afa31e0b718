import { PARAMETER_CODES, PARAMETERS, type Parameter } from '@vigil/contracts';
import {
  type Advice,
  ADVICE_LEVELS,
  type Answer,
  type AnswerError,
  type Questionnaire,
  type ReportedValue,
  type YesNoAnswer,
} from './questionnaire';

/** Who answered: the three sources a reported observation carries (issue 14). */
export const REPORTERS = ['patient', 'carer', 'nurse-by-phone'] as const;
export type Reporter = (typeof REPORTERS)[number];

export const REPORTED_SOURCES = ['patient-reported', 'carer-reported', 'nurse-reported-by-phone'] as const;
export type ReportedSource = (typeof REPORTED_SOURCES)[number];

export function sourceOf(reporter: Reporter): ReportedSource {
  switch (reporter) {
    case 'patient':
      return 'patient-reported';
    case 'carer':
      return 'carer-reported';
    case 'nurse-by-phone':
      return 'nurse-reported-by-phone';
  }
}

export type ParsedAnswers = { ok: true; answers: Answer[] } | { ok: false; errors: AnswerError[] };

const YES_NO: readonly string[] = ['yes', 'no', 'not-sure'];

/**
 * Validates raw form values (field name = question id) against a questionnaire: every required yes/no
 * question answered (with "not sure" only where offered), readings optional but, when given, a number in
 * the plausible range with no more decimals than the question allows. Unknown fields are ignored.
 */
export function parseAnswers(q: Questionnaire, raw: Readonly<Record<string, unknown>>): ParsedAnswers {
  const answers: Answer[] = [];
  const errors: AnswerError[] = [];
  for (const question of q.questions) {
    const value = typeof raw[question.id] === 'string' ? (raw[question.id] as string).trim() : '';
    if (value === '') {
      if (question.required) errors.push({ questionId: question.id, message: 'form.answerMissing' });
      continue;
    }
    if (!YES_NO.includes(value) || (value === 'not-sure' && !question.notSure)) {
      errors.push({ questionId: question.id, message: 'form.answerMissing' });
      continue;
    }
    answers.push({ questionId: question.id, kind: 'yes-no', answer: value as YesNoAnswer });
  }
  for (const r of q.readings) {
    const value = typeof raw[r.id] === 'string' ? (raw[r.id] as string).trim() : '';
    if (value === '') continue;
    const example = { example: r.decimals > 0 ? `${r.min + 1}.5` : String(Math.round((r.min + r.max) / 2)) };
    const pattern = r.decimals > 0 ? new RegExp(`^\\d+([.,]\\d{1,${r.decimals}})?$`) : /^\d+$/;
    if (!pattern.test(value)) {
      errors.push({ questionId: r.id, message: 'form.numberInvalid', params: example });
      continue;
    }
    const n = Number(value.replace(',', '.'));
    if (!Number.isFinite(n) || n < r.min || n > r.max) {
      errors.push({ questionId: r.id, message: 'form.numberRange', params: { min: r.min, max: r.max } });
      continue;
    }
    answers.push({ questionId: r.id, kind: 'reading', value: n });
  }
  for (const x of q.texts ?? []) {
    // Own words: optional, kept as typed (spaces at the ends trimmed), never longer than the question allows.
    const value = typeof raw[x.id] === 'string' ? (raw[x.id] as string).trim() : '';
    if (value === '') continue;
    if (value.length > x.maxLength) {
      errors.push({ questionId: x.id, message: 'form.textTooLong', params: { max: x.maxLength } });
      continue;
    }
    answers.push({ questionId: x.id, kind: 'text', text: value });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, answers };
}

const KNOWN_PARAMETERS: readonly string[] = PARAMETERS;

/**
 * What the answers become for scoring: coded values (ACVPU, air or oxygen) and typed readings, each as a
 * canonical parameter. "Not sure" becomes nothing; a reading of a parameter this build does not know is
 * not sent (it stays in the recorded answers).
 */
export function reportedValues(q: Questionnaire, answers: readonly Answer[]): ReportedValue[] {
  const out: ReportedValue[] = [];
  for (const a of answers) {
    if (a.kind === 'yes-no') {
      const question = q.questions.find((x) => x.id === a.questionId);
      const map = question?.observation;
      if (!map || a.answer === 'not-sure') continue;
      const code = a.answer === 'yes' ? map.yes : map.no;
      const value = (PARAMETER_CODES[map.parameter] as readonly string[]).indexOf(code);
      if (value < 0) throw new Error(`question ${a.questionId} maps to an unknown code ${code}`);
      // Two answers of one parameter in one questionnaire (confusion after a fall; breathless, then breathless
      // at rest): the worse one is sent.
      const at = out.findIndex((o) => o.parameter === map.parameter);
      const reported = { parameter: map.parameter, value, valueCode: code, questionId: a.questionId };
      if (at >= 0) out[at] = worseOf(out[at], reported);
      else out.push(reported);
    } else if (a.kind === 'reading') {
      const reading = q.readings.find((x) => x.id === a.questionId);
      if (!reading || !KNOWN_PARAMETERS.includes(reading.parameter)) continue;
      out.push({
        parameter: reading.parameter as Parameter,
        value: a.value,
        valueCode: null,
        questionId: a.questionId,
      });
    }
  }
  return out;
}

/**
 * Of two answers for one coded parameter, the worse (confusion over alert, at rest over worse than usual):
 * every code list is ordered least worrying first.
 */
function worseOf(a: ReportedValue, b: ReportedValue): ReportedValue {
  return b.value > a.value ? b : a;
}

/** The most urgent advice the answers call for. */
export function adviceFor(q: Questionnaire, answers: readonly Answer[]): Advice {
  let level = 0;
  for (const a of answers) {
    if (a.kind !== 'yes-no') continue;
    const flag = q.questions.find((x) => x.id === a.questionId)?.flag;
    if (flag && flag.answer === a.answer) level = Math.max(level, ADVICE_LEVELS.indexOf(flag.advice));
  }
  return ADVICE_LEVELS[level];
}

/** The answers as `questionId → value` text, for the record and for showing them back to staff. */
export function answersRecord(answers: readonly Answer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of answers) {
    out[a.questionId] = a.kind === 'yes-no' ? a.answer : a.kind === 'text' ? a.text : String(a.value);
  }
  return out;
}

/** Answers after a fall attach to a fall alert opened at most this long before them (issue 14). */
export const POST_FALL_WINDOW_HOURS = 24;

/** A fall alert as the post-fall questions see it. */
export interface FallForAnswers {
  alertId: string;
  openedAt: Date;
  /** Whether post-fall answers are attached to it already. */
  answered: boolean;
}

/**
 * The fall a post-fall questionnaire answered at `answeredAt` is about: the newest fall alert opened within
 * {@link POST_FALL_WINDOW_HOURS} before it (resolved or not: staff may have closed it before the carer
 * answered), or null when there is none — the answers are then kept for the patient only (HZ-68).
 */
export function postFallAlertFor<F extends FallForAnswers>(answeredAt: Date, falls: readonly F[]): F | null {
  const from = answeredAt.getTime() - POST_FALL_WINDOW_HOURS * 3_600_000;
  const within = falls.filter((f) => f.openedAt.getTime() >= from && f.openedAt <= answeredAt);
  return within.reduce<F | null>((newest, f) => (!newest || f.openedAt > newest.openedAt ? f : newest), null);
}

/**
 * Whether the patient page should put the post-fall questions first: the fall they would attach to has no
 * answers yet.
 */
export function fallAwaitingAnswers<F extends FallForAnswers>(now: Date, falls: readonly F[]): F | null {
  const fall = postFallAlertFor(now, falls);
  return fall && !fall.answered ? fall : null;
}
