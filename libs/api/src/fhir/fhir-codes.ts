/**
 * Code systems and the codes SPEC §5 adds beyond `PARAMETER_DEFINITIONS` (which already holds the LOINC,
 * SNOMED CT, UCUM and MDC reference ids of each parameter and is reused, never repeated, here).
 */

export const SYSTEMS = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  /** IEEE 11073-10101 (MDC), as HL7 names it. */
  mdc: 'urn:iso:std:iso:11073:10101',
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  flagCategory: 'http://terminology.hl7.org/CodeSystem/flag-category',
} as const;

/**
 * Vigil's own identifier systems. URNs rather than web addresses because no public naming authority
 * exists for them yet; a deployment that gets one changes only these strings.
 */
export const VIGIL_SYSTEMS = {
  observationId: 'urn:vigil:observation-id',
  deviceId: 'urn:vigil:device-id',
  alertId: 'urn:vigil:alert-id',
  alertRule: 'urn:vigil:alert-rule',
  userId: 'urn:vigil:user-id',
  news2Score: 'urn:vigil:news2-score',
} as const;

export const UK_CORE_PATIENT_PROFILE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';
export const UK_CORE_OBSERVATION_PROFILE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation';

/**
 * UK Core vital-signs profiles (UK Core STU; each derives from UKCore-Observation and the FHIR R4
 * vital-signs profile): a vital-sign Observation claims its own beside UKCore-Observation (issue 13).
 */
const UK_CORE = 'https://fhir.hl7.org.uk/StructureDefinition/';
export const UK_CORE_VITAL_SIGN_PROFILES: Readonly<Partial<Record<string, string>>> = {
  heartRate: `${UK_CORE}UKCore-Observation-HeartRate`,
  spo2: `${UK_CORE}UKCore-Observation-OxygenSaturation`,
  respiratoryRate: `${UK_CORE}UKCore-Observation-RespiratoryRate`,
  temperature: `${UK_CORE}UKCore-Observation-BodyTemperature`,
  bloodPressure: `${UK_CORE}UKCore-Observation-BloodPressure`,
  bodyWeight: `${UK_CORE}UKCore-Observation-BodyWeight`,
};

/** LOINC blood pressure panel (SPEC §5). */
export const BP_PANEL_LOINC = { code: '85354-9', display: 'Blood pressure panel with all children optional' };

/**
 * MDC reference id → numeric code. The 11073-10101 code system's codes are the numeric ids
 * (partition × 2^16 + term); the reference id is its display. Values as used by the HL7 Personal Health
 * Device IG and the vital-signs profiles of several national IGs.
 */
export const MDC_NUMERIC_CODES: Readonly<Record<string, string>> = {
  MDC_PULS_RATE_NON_INV: '149546',
  MDC_PULS_OXIM_PULS_RATE: '149530',
  MDC_PULS_OXIM_SAT_O2: '150456',
  MDC_RESP_RATE: '151562',
  MDC_TEMP_BODY: '150364',
  MDC_MASS_BODY_ACTUAL: '188736',
  MDC_PRESS_BLD_NONINV: '150020',
  MDC_PRESS_BLD_NONINV_SYS: '150021',
  MDC_PRESS_BLD_NONINV_DIA: '150022',
  MDC_PRESS_BLD_NONINV_MEAN: '150023',
};

/**
 * Air or oxygen (SPEC §5). Per the UK Core clinical-observations guidance the finding itself is the
 * Observation code (there is no separate "air or oxygen" observable with these as values).
 */
export const INSPIRED_OXYGEN_SNOMED = {
  air: { code: '722742002', display: 'Breathing room air' },
  oxygen: { code: '371825009', display: 'Patient on oxygen' },
} as const;

/** ACVPU letter → SNOMED CT value (SPEC §5); the observable is `PARAMETER_DEFINITIONS.consciousness.snomed`. */
export const ACVPU_SNOMED = {
  A: { code: '248234008', display: 'Mentally alert' },
  C: { code: '130987000', display: 'Acute confusion' },
  V: { code: '300202002', display: 'Responds to voice' },
  P: { code: '450847001', display: 'Responds to pain' },
  U: { code: '422768004', display: 'Unresponsive' },
} as const;

/** NEWS2 total score (SPEC §5). */
export const NEWS2_TOTAL_SNOMED = {
  code: '1104051000000101',
  display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score',
};

/**
 * SpO2 scale 2 sub-score. SPEC §5 names only the scale 1 code; 1104321000000108 is the scale 2 concept
 * listed beside it in NHS England's UK Core clinical-observations conformance rules (NEWS2 sub-scores),
 * so a scale 2 patient's SpO2 sub-score is not mislabelled as a scale 1 score.
 */
export const NEWS2_SPO2_SCALE2_SNOMED = {
  code: '1104321000000108',
  display: 'Royal College of Physicians National Early Warning Score 2 - oxygen saturation scale 2 score',
};

/** The keys of a stored score's `perParameter` (as `scoreNews2` names them). */
export type News2SubScoreKey =
  'respiratoryRate' | 'spo2' | 'airOrOxygen' | 'systolicBp' | 'pulse' | 'consciousness' | 'temperature';

export interface News2SubScoreCode {
  key: News2SubScoreKey;
  /** The `News2Input` field name `missing` uses for this row. */
  inputField: string;
  /** The Vigil parameter the sub-score is computed from. */
  parameter:
    | 'respiratoryRate'
    | 'spo2'
    | 'inspiredOxygen'
    | 'systolicBp'
    | 'heartRate'
    | 'consciousness'
    | 'temperature';
  code: string;
  display: string;
}

/** NEWS2 sub-scores in RCP chart order, with their SNOMED CT codes (SPEC §5). */
export const NEWS2_SUB_SCORES: readonly News2SubScoreCode[] = [
  {
    key: 'respiratoryRate',
    inputField: 'respiratoryRate',
    parameter: 'respiratoryRate',
    code: '1104301000000104',
    display: 'Royal College of Physicians National Early Warning Score 2 - respiration rate score',
  },
  {
    key: 'spo2',
    inputField: 'spo2',
    parameter: 'spo2',
    code: '1104311000000102',
    display: 'Royal College of Physicians National Early Warning Score 2 - oxygen saturation scale 1 score',
  },
  {
    key: 'airOrOxygen',
    inputField: 'onOxygen',
    parameter: 'inspiredOxygen',
    code: '1104331000000105',
    display: 'Royal College of Physicians National Early Warning Score 2 - air or oxygen score',
  },
  {
    key: 'systolicBp',
    inputField: 'systolicBp',
    parameter: 'systolicBp',
    code: '1104341000000101',
    display: 'Royal College of Physicians National Early Warning Score 2 - systolic blood pressure score',
  },
  {
    key: 'pulse',
    inputField: 'pulse',
    parameter: 'heartRate',
    code: '1104351000000103',
    display: 'Royal College of Physicians National Early Warning Score 2 - pulse score',
  },
  {
    key: 'consciousness',
    inputField: 'consciousness',
    parameter: 'consciousness',
    code: '1104361000000100',
    display: 'Royal College of Physicians National Early Warning Score 2 - consciousness score',
  },
  {
    key: 'temperature',
    inputField: 'temperatureC',
    parameter: 'temperature',
    code: '1104371000000107',
    display: 'Royal College of Physicians National Early Warning Score 2 - temperature score',
  },
];
