import { type Questionnaire, QUESTIONS as Q, READINGS as R, TEXTS } from './questionnaire';

/**
 * The check-in questionnaire of each pathway, keyed by pathway id (the ids the pathways work uses for its
 * templates; aliases below). Patients without a plan, or on a pathway with none of its own, get
 * {@link DEFAULT_QUESTIONNAIRE}. Applying a pathway template stores its id as the patient's pathway, so the plan
 * chooses the questionnaire (pathway-templates.spec.ts checks every template has its own).
 */
export const DEFAULT_QUESTIONNAIRE: Questionnaire = {
  id: 'general',
  version: 1,
  title: 'home.title',
  lead: 'home.lead',
  questions: [Q.newConfusion, Q.breathless, Q.chestPain, Q.onOxygen],
  readings: [R.temperature, R.heartRate, R.spo2, R.systolicBp],
};

export const PATHWAY_QUESTIONNAIRES: Readonly<Record<string, Questionnaire>> = {
  'acute-respiratory-infection': {
    id: 'acute-respiratory-infection',
    version: 1,
    title: 'home.title',
    lead: 'home.lead',
    questions: [
      Q.newConfusion,
      Q.breathless,
      Q.breathlessAtRest,
      Q.chestPain,
      Q.onOxygen,
      Q.fever,
      Q.cough,
      Q.eatingDrinking,
    ],
    readings: [R.temperature, R.heartRate, R.spo2, R.systolicBp],
  },
  frailty: {
    id: 'frailty',
    version: 1,
    title: 'home.title',
    lead: 'home.lead',
    questions: [Q.newConfusion, Q.eatingDrinking, Q.mobility, Q.breathless, Q.chestPain, Q.onOxygen],
    readings: [R.temperature, R.heartRate, R.systolicBp],
  },
  'heart-failure': {
    id: 'heart-failure',
    version: 1,
    title: 'home.title',
    lead: 'home.lead',
    questions: [Q.newConfusion, Q.breathless, Q.breathlessAtRest, Q.sleepFlat, Q.ankleSwelling, Q.chestPain],
    readings: [R.bodyWeight, R.heartRate, R.systolicBp, R.diastolicBp, R.spo2],
  },
  copd: {
    id: 'copd',
    version: 1,
    title: 'home.title',
    lead: 'home.lead',
    questions: [
      Q.newConfusion,
      Q.breathless,
      Q.breathlessAtRest,
      Q.cough,
      Q.inhaler,
      Q.onOxygen,
      Q.chestPain,
    ],
    readings: [R.spo2, R.heartRate, R.temperature],
  },
  'severe-mental-illness': {
    id: 'severe-mental-illness',
    version: 1,
    title: 'home.title',
    lead: 'home.lead',
    questions: [Q.mood, Q.medicines, Q.selfHarm, Q.chestPain],
    readings: [R.bodyWeight, R.systolicBp, R.diastolicBp, R.heartRate],
  },
};

/**
 * Questions after a fall, whatever the pathway (falls sensors, care homes, a carer who saw it): what happened,
 * whether they were hurt, how long they were on the floor, whether they could get up. Version 2 added "hurt at
 * all" and "what happened" (issue 14); the answers attach to the fall's alert (`postFallAlertFor`).
 */
export const POST_FALL_QUESTIONNAIRE: Questionnaire = {
  id: 'post-fall',
  version: 2,
  title: 'fall.title',
  lead: 'fall.lead',
  questions: [
    Q.fallPain,
    Q.fallInjured,
    Q.fallHeadInjury,
    Q.fallBloodThinners,
    Q.fallSince,
    Q.fallGetUp,
    Q.fallLongLie,
    Q.chestPain,
  ],
  readings: [],
  texts: [TEXTS.fallWhatHappened],
};

/** Other spellings of the pathway ids (free text in older admissions). */
const ALIASES: Readonly<Record<string, string>> = {
  ari: 'acute-respiratory-infection',
  'acute respiratory infection': 'acute-respiratory-infection',
  respiratory: 'acute-respiratory-infection',
  hf: 'heart-failure',
  'heart failure': 'heart-failure',
  'chronic obstructive pulmonary disease': 'copd',
  smi: 'severe-mental-illness',
  'severe mental illness': 'severe-mental-illness',
  'smi-physical-health': 'severe-mental-illness',
};

/** The pathway id a free-text pathway names, or null. */
export function pathwayId(pathway: string | null | undefined): string | null {
  if (!pathway) return null;
  const key = pathway.trim().toLowerCase().replace(/_/g, '-');
  if (PATHWAY_QUESTIONNAIRES[key]) return key;
  const alias = ALIASES[key] ?? ALIASES[key.replace(/-/g, ' ')];
  return alias ?? null;
}

/** The check-in questionnaire for a patient's pathway (the default when it has none). */
export function questionnaireFor(pathway: string | null | undefined): Questionnaire {
  const id = pathwayId(pathway);
  return (id && PATHWAY_QUESTIONNAIRES[id]) || DEFAULT_QUESTIONNAIRE;
}

/** Any questionnaire by its own id (as recorded with answers). */
export function questionnaireById(id: string): Questionnaire | null {
  if (id === DEFAULT_QUESTIONNAIRE.id) return DEFAULT_QUESTIONNAIRE;
  if (id === POST_FALL_QUESTIONNAIRE.id) return POST_FALL_QUESTIONNAIRE;
  return PATHWAY_QUESTIONNAIRES[id] ?? null;
}
