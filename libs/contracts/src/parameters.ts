/**
 * The clinical parameters Vigil records, with their codes and plausibility ranges.
 * Codes follow SPEC §5 (LOINC, SNOMED CT, UCUM) and IEEE 11073-10101 (MDC).
 */

export const PARAMETERS = [
  'heartRate',
  'spo2',
  'respiratoryRate',
  'temperature',
  'systolicBp',
  'diastolicBp',
  'meanArterialPressure',
  'consciousness',
  'inspiredOxygen',
  'fall',
  'bodyWeight',
  // Issue 14: symptoms a patient or carer reports (coded findings, not measurements); see libs/alerting.
  'breathlessness',
  'chestPain',
] as const;

export type Parameter = (typeof PARAMETERS)[number];

export interface ParameterDefinition {
  parameter: Parameter;
  display: string;
  /** LOINC code, where one fits. */
  loinc: string | null;
  /** Extra LOINC codes the same value also satisfies (e.g. SpO2 2708-6 beside 59408-5). */
  loincAlso: readonly string[];
  snomed: string | null;
  /** IEEE 11073 MDC reference id, where one fits. */
  mdc: string | null;
  /** Canonical UCUM unit. */
  unit: string;
  /**
   * Physiologically plausible range, inclusive, in the canonical unit. A device reading outside it (but
   * inside `possible`) is a patient in extremis or a device fault, and only a person can tell: it is
   * stored, flagged and raises a high-priority alert (R8). Manual entries must fall inside it.
   */
  plausible: { min: number; max: number } | null;
  /**
   * R8: physically possible range. A value outside `plausible` but inside this (SpO2 45 %, pulse 18) is
   * stored, flagged `implausible` and raises a "check patient and device" alert; only a value outside this
   * (SpO2 above 100 %, a negative rate) is rejected.
   */
  possible: { min: number; max: number } | null;
}

export const PARAMETER_DEFINITIONS: Readonly<Record<Parameter, ParameterDefinition>> = {
  heartRate: {
    parameter: 'heartRate',
    display: 'Pulse',
    loinc: '8867-4',
    loincAlso: [],
    snomed: '78564009',
    mdc: 'MDC_PULS_RATE_NON_INV',
    unit: '/min',
    plausible: { min: 20, max: 300 },
    possible: { min: 0, max: 350 },
  },
  spo2: {
    parameter: 'spo2',
    display: 'SpO2',
    loinc: '59408-5',
    loincAlso: ['2708-6'],
    snomed: '103228002',
    mdc: 'MDC_PULS_OXIM_SAT_O2',
    unit: '%',
    plausible: { min: 50, max: 100 },
    possible: { min: 0, max: 100 },
  },
  respiratoryRate: {
    parameter: 'respiratoryRate',
    display: 'Respiration rate',
    loinc: '9279-1',
    loincAlso: [],
    snomed: '86290005',
    mdc: 'MDC_RESP_RATE',
    unit: '/min',
    plausible: { min: 2, max: 80 },
    possible: { min: 0, max: 120 },
  },
  temperature: {
    parameter: 'temperature',
    display: 'Temperature',
    loinc: '8310-5',
    loincAlso: [],
    snomed: '276885007',
    mdc: 'MDC_TEMP_BODY',
    unit: 'Cel',
    plausible: { min: 25, max: 45 },
    possible: { min: 15, max: 47 },
  },
  systolicBp: {
    parameter: 'systolicBp',
    display: 'Systolic blood pressure',
    loinc: '8480-6',
    loincAlso: [],
    snomed: '72313002',
    mdc: 'MDC_PRESS_BLD_NONINV_SYS',
    unit: 'mm[Hg]',
    plausible: { min: 40, max: 300 },
    possible: { min: 0, max: 400 },
  },
  diastolicBp: {
    parameter: 'diastolicBp',
    display: 'Diastolic blood pressure',
    loinc: '8462-4',
    loincAlso: [],
    snomed: '271650006',
    mdc: 'MDC_PRESS_BLD_NONINV_DIA',
    unit: 'mm[Hg]',
    plausible: { min: 20, max: 200 },
    possible: { min: 0, max: 300 },
  },
  meanArterialPressure: {
    parameter: 'meanArterialPressure',
    display: 'Mean arterial pressure',
    loinc: '8478-0',
    loincAlso: [],
    snomed: '6797001',
    mdc: 'MDC_PRESS_BLD_NONINV_MEAN',
    unit: 'mm[Hg]',
    plausible: { min: 30, max: 250 },
    possible: { min: 0, max: 350 },
  },
  consciousness: {
    parameter: 'consciousness',
    display: 'Consciousness (ACVPU)',
    loinc: null,
    loincAlso: [],
    snomed: '1104441000000107',
    mdc: null,
    unit: '{ACVPU}',
    plausible: null,
    possible: null,
  },
  inspiredOxygen: {
    parameter: 'inspiredOxygen',
    display: 'Air or oxygen',
    loinc: null,
    loincAlso: [],
    snomed: null,
    mdc: null,
    unit: '{air-or-oxygen}',
    plausible: null,
    possible: null,
  },
  fall: {
    parameter: 'fall',
    display: 'Fall detected',
    loinc: null,
    loincAlso: [],
    snomed: '1912002',
    mdc: null,
    unit: '1',
    plausible: { min: 0, max: 1 },
    possible: { min: 0, max: 1 },
  },
  // Heart-failure and SMI pathways (issue 13): a daily morning weight; its trend rule lives in libs/alerting.
  bodyWeight: {
    parameter: 'bodyWeight',
    display: 'Body weight',
    loinc: '29463-7',
    loincAlso: [],
    snomed: '27113001',
    mdc: 'MDC_MASS_BODY_ACTUAL',
    unit: 'kg',
    plausible: { min: 20, max: 300 },
    possible: { min: 1, max: 650 },
  },
  // Issue 14: reported by the patient, a carer or a nurse on the phone, never by a device. Coded findings:
  // `valueCode` one of BREATHLESSNESS_CODES / CHEST_PAIN_CODES, `value` its index.
  breathlessness: {
    parameter: 'breathlessness',
    display: 'Breathlessness (reported)',
    loinc: null,
    loincAlso: [],
    // SNOMED CT 267036007 |Dyspnea (finding)|.
    snomed: '267036007',
    mdc: null,
    unit: '{breathlessness}',
    plausible: null,
    possible: null,
  },
  chestPain: {
    parameter: 'chestPain',
    display: 'Chest pain (reported)',
    loinc: null,
    loincAlso: [],
    // SNOMED CT 29857009 |Chest pain (finding)|.
    snomed: '29857009',
    mdc: null,
    unit: '{chest-pain}',
    plausible: null,
    possible: null,
  },
};

/** ACVPU consciousness levels, stored as `valueCode` with their index as `value`. */
export const ACVPU_CODES = ['A', 'C', 'V', 'P', 'U'] as const;
export type AcvpuCode = (typeof ACVPU_CODES)[number];

/** Air or oxygen, stored as `valueCode` (value 0 air, 1 oxygen). */
export const INSPIRED_OXYGEN_CODES = ['air', 'oxygen'] as const;
export type InspiredOxygenCode = (typeof INSPIRED_OXYGEN_CODES)[number];

/**
 * Reported breathlessness (issue 14), stored as `valueCode` with its index as `value`: none beyond usual,
 * more out of breath than usual, out of breath at rest (or unable to finish a sentence).
 */
export const BREATHLESSNESS_CODES = ['usual', 'worse-than-usual', 'at-rest'] as const;
export type BreathlessnessCode = (typeof BREATHLESSNESS_CODES)[number];

/** Reported pain or tightness in the chest now (issue 14): `valueCode` with its index as `value`. */
export const CHEST_PAIN_CODES = ['absent', 'present'] as const;
export type ChestPainCode = (typeof CHEST_PAIN_CODES)[number];

/** The coded parameters and their codes (a code's index is the observation's `value`). */
export const PARAMETER_CODES = {
  consciousness: ACVPU_CODES,
  inspiredOxygen: INSPIRED_OXYGEN_CODES,
  breathlessness: BREATHLESSNESS_CODES,
  chestPain: CHEST_PAIN_CODES,
} as const;
export type CodedParameter = keyof typeof PARAMETER_CODES;
