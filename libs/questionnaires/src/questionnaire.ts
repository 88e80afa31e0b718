import {
  ACVPU_CODES,
  type CodedParameter,
  INSPIRED_OXYGEN_CODES,
  PARAMETER_DEFINITIONS,
  type Parameter,
} from '@vigil/contracts';
import type { MessageKey } from './messages';

/** What the answers tell the person to do now, least urgent first. */
export const ADVICE_LEVELS = ['none', 'call-ward', 'call-999'] as const;
export type Advice = (typeof ADVICE_LEVELS)[number];

export type YesNoAnswer = 'yes' | 'no' | 'not-sure';

/**
 * A yes/no question. `observation` turns an answer into a coded observation that scoring reads (new
 * confusion → ACVPU C; "using oxygen now" → air or oxygen; breathlessness and chest pain → reported
 * symptoms that alert, HZ-65); "not sure" never becomes one, so a guess never completes a NEWS2 (hazard
 * HZ-42, misunderstood question). `flag` gives the advice a worrying answer needs.
 */
export interface YesNoQuestion {
  id: string;
  kind: 'yes-no';
  text: MessageKey;
  hint?: MessageKey;
  /** Offer "Not sure" beside yes and no (recommended where a guess would mislead). */
  notSure: boolean;
  required: boolean;
  observation?: {
    parameter: CodedParameter;
    yes: string;
    no: string;
  };
  flag?: { answer: 'yes' | 'no'; advice: Exclude<Advice, 'none'> };
}

/**
 * A reading typed by the patient or carer where there is no connected device. `parameter` is the canonical
 * parameter it becomes; one this build of Vigil does not know yet (body weight before the pathways work
 * lands) is kept with the answers but not sent for scoring.
 */
export interface ReadingQuestion {
  id: string;
  kind: 'reading';
  parameter: string;
  label: MessageKey;
  example: MessageKey;
  min: number;
  max: number;
  /** Decimal places accepted (0 for whole numbers). */
  decimals: number;
}

/**
 * A question answered in the person's own words (issue 14: "what happened" after a fall). Optional, kept
 * verbatim with the answers and shown to staff; never scored.
 */
export interface TextQuestion {
  id: string;
  kind: 'text';
  label: MessageKey;
  hint?: MessageKey;
  maxLength: number;
}

export type Question = YesNoQuestion | ReadingQuestion | TextQuestion;

export interface Questionnaire {
  /** Stable id, recorded with every answer. */
  id: string;
  version: number;
  /** Shown as the page's title (`home.title` for check-ins, `fall.title` after a fall). */
  title: MessageKey;
  lead: MessageKey;
  questions: readonly YesNoQuestion[];
  readings: readonly ReadingQuestion[];
  /** Optional answers in the person's own words, after the yes/no questions. */
  texts?: readonly TextQuestion[];
}

/** A validated answer. */
export type Answer =
  | { questionId: string; kind: 'yes-no'; answer: YesNoAnswer }
  | { questionId: string; kind: 'reading'; value: number }
  | { questionId: string; kind: 'text'; text: string };

/** What an answer becomes for scoring: the canonical parameter, its number and its code. */
export interface ReportedValue {
  parameter: Parameter;
  value: number;
  valueCode: string | null;
  questionId: string;
}

export interface AnswerError {
  questionId: string;
  message: MessageKey;
  params?: Record<string, string | number>;
}

const yesNo = (
  id: string,
  text: MessageKey,
  extra: Partial<Omit<YesNoQuestion, 'id' | 'kind' | 'text'>> = {},
): YesNoQuestion => ({ id, kind: 'yes-no', text, notSure: false, required: true, ...extra });

/** The plausible range of a canonical parameter (manual entries must fall inside it, like a nurse's). */
function rangeOf(parameter: Parameter): { min: number; max: number } {
  const plausible = PARAMETER_DEFINITIONS[parameter].plausible;
  if (!plausible) throw new Error(`no plausible range for ${parameter}`);
  return plausible;
}

const reading = (
  parameter: Parameter | 'bodyWeight',
  decimals: number,
  range?: { min: number; max: number },
): ReadingQuestion => {
  const { min, max } = range ?? rangeOf(parameter as Parameter);
  return {
    id: `reading-${parameter}`,
    kind: 'reading',
    parameter,
    label: `reading.${parameter}` as MessageKey,
    example: `reading.${parameter}.example` as MessageKey,
    min,
    max,
    decimals,
  };
};

// The questions, each once; questionnaires pick from them.
export const QUESTIONS = {
  newConfusion: yesNo('new-confusion', 'q.newConfusion', {
    hint: 'q.newConfusion.hint',
    notSure: true,
    // ACVPU: new confusion is C (NEWS2 3). V, P and U score the same 3, so a carer who answers yes for a
    // very sleepy person never under-scores them; "no" is Alert.
    observation: { parameter: 'consciousness', yes: 'C', no: 'A' },
    flag: { answer: 'yes', advice: 'call-ward' },
  }),
  // Breathlessness and chest pain become reported symptoms the scorer alerts on (libs/alerting,
  // reported-symptom.ts, HZ-65). Both breathlessness questions feed one observation: the worse answer wins
  // (at rest over worse than usual). NHS website, "Shortness of breath": more short of breath than usual →
  // get urgent advice (for a virtual-ward patient, the ward); not able to get words out, or a chest that
  // feels tight or heavy → call 999.
  breathless: yesNo('breathless', 'q.breathless', {
    hint: 'q.breathless.hint',
    observation: { parameter: 'breathlessness', yes: 'worse-than-usual', no: 'usual' },
    flag: { answer: 'yes', advice: 'call-ward' },
  }),
  breathlessAtRest: yesNo('breathless-at-rest', 'q.breathlessAtRest', {
    observation: { parameter: 'breathlessness', yes: 'at-rest', no: 'usual' },
    flag: { answer: 'yes', advice: 'call-999' },
  }),
  chestPain: yesNo('chest-pain', 'q.chestPain', {
    hint: 'q.chestPain.hint',
    observation: { parameter: 'chestPain', yes: 'present', no: 'absent' },
    flag: { answer: 'yes', advice: 'call-999' },
  }),
  onOxygen: yesNo('on-oxygen', 'q.onOxygen', {
    hint: 'q.onOxygen.hint',
    notSure: true,
    observation: { parameter: 'inspiredOxygen', yes: 'oxygen', no: 'air' },
  }),
  cough: yesNo('cough', 'q.cough'),
  fever: yesNo('fever', 'q.fever'),
  eatingDrinking: yesNo('eating-drinking', 'q.eatingDrinking'),
  mobility: yesNo('mobility', 'q.mobility'),
  ankleSwelling: yesNo('ankle-swelling', 'q.ankleSwelling'),
  sleepFlat: yesNo('sleep-flat', 'q.sleepFlat'),
  inhaler: yesNo('inhaler', 'q.inhaler'),
  mood: yesNo('mood', 'q.mood'),
  medicines: yesNo('medicines', 'q.medicines'),
  selfHarm: yesNo('self-harm', 'q.selfHarm', {
    hint: 'q.selfHarm.hint',
    flag: { answer: 'yes', advice: 'call-ward' },
  }),
  fallHeadInjury: yesNo('fall-head-injury', 'q.fall.headInjury', {
    notSure: true,
    flag: { answer: 'yes', advice: 'call-ward' },
  }),
  fallBloodThinners: yesNo('fall-blood-thinners', 'q.fall.bloodThinners', { notSure: true }),
  fallPain: yesNo('fall-pain', 'q.fall.pain', { flag: { answer: 'yes', advice: 'call-999' } }),
  fallGetUp: yesNo('fall-get-up', 'q.fall.getUp', { flag: { answer: 'no', advice: 'call-ward' } }),
  fallLongLie: yesNo('fall-long-lie', 'q.fall.longLie', {
    notSure: true,
    flag: { answer: 'yes', advice: 'call-ward' },
  }),
  // Issue 14: hurt at all (beside badly hurt: fall-pain), recorded for the nurse.
  fallInjured: yesNo('fall-injured', 'q.fall.injured', { hint: 'q.fall.injured.hint' }),
  fallSince: yesNo('fall-confusion-since', 'q.fall.since', {
    notSure: true,
    observation: { parameter: 'consciousness', yes: 'C', no: 'A' },
    flag: { answer: 'yes', advice: 'call-999' },
  }),
} as const;

export const TEXTS = {
  fallWhatHappened: {
    id: 'fall-what-happened',
    kind: 'text',
    label: 'q.fall.whatHappened',
    hint: 'q.fall.whatHappened.hint',
    maxLength: 500,
  },
} as const satisfies Record<string, TextQuestion>;

export const READINGS = {
  temperature: reading('temperature', 1),
  heartRate: reading('heartRate', 0),
  spo2: reading('spo2', 0),
  systolicBp: reading('systolicBp', 0),
  diastolicBp: reading('diastolicBp', 0),
  bodyWeight: reading('bodyWeight', 1, { min: 20, max: 300 }),
} as const;

export { ACVPU_CODES, INSPIRED_OXYGEN_CODES };
