export {
  EN_GB,
  MESSAGES,
  DEFAULT_LOCALE,
  messagesFor,
  format,
  type MessageKey,
  type Messages,
} from './messages';
export {
  ADVICE_LEVELS,
  QUESTIONS,
  READINGS,
  TEXTS,
  type Advice,
  type Answer,
  type AnswerError,
  type Question,
  type Questionnaire,
  type ReadingQuestion,
  type TextQuestion,
  type ReportedValue,
  type YesNoAnswer,
  type YesNoQuestion,
} from './questionnaire';
export {
  DEFAULT_QUESTIONNAIRE,
  PATHWAY_QUESTIONNAIRES,
  POST_FALL_QUESTIONNAIRE,
  pathwayId,
  questionnaireById,
  questionnaireFor,
} from './questionnaires';
export {
  REPORTERS,
  REPORTED_SOURCES,
  adviceFor,
  answersRecord,
  fallAwaitingAnswers,
  POST_FALL_WINDOW_HOURS,
  postFallAlertFor,
  type FallForAnswers,
  parseAnswers,
  reportedValues,
  sourceOf,
  type ParsedAnswers,
  type Reporter,
  type ReportedSource,
} from './answers';
export { PATIENT_TIME_ZONE, formatDate, formatDateTime } from './dates';
export {
  DEFAULT_SMI_GRACE_HOURS,
  DEFAULT_SMI_INTERVAL_DAYS,
  SMI_PARAMETERS,
  smiCheckInStatus,
  smiContactCloses,
  smiEscalationDue,
  smiMissedAt,
  type SmiCheckInStatus,
  type SmiPlan,
} from './smi-plan';
export {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_LENGTH,
  displayAccessCode,
  newAccessCode,
  normaliseAccessCode,
} from './access-code';
