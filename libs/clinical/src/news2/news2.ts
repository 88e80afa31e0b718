/**
 * NEWS2 scoring.
 *
 * Source of every cut-off below: Royal College of Physicians. National Early Warning Score (NEWS) 2:
 * Standardising the assessment of acute-illness severity in the NHS. Updated report of a working party.
 * London: RCP, 2017 (chart 1, the NEWS2 scoring system, and chart 2, the clinical response).
 *
 * The RCP chart prints integer ranges (e.g. pulse 91–110). Devices report decimals, so each range is
 * read as continuous and upper-inclusive (SPEC §4): "91–110" means > 90 and ≤ 110, so 90.5 scores 1.
 * Values are compared as given; nothing is rounded (a rounded 35.04 would hide a score of 3).
 */

/** Level of consciousness on the ACVPU scale ('C' is new confusion). */
export type Acvpu = 'A' | 'C' | 'V' | 'P' | 'U';

export type News2Band = 'low' | 'low-medium' | 'medium' | 'high';

/** One set of observations. A field left out (undefined) is missing, never read as normal. */
export interface News2Input {
  /** Breaths per minute. */
  respiratoryRate?: number;
  /** Oxygen saturation, %. */
  spo2?: number;
  /** Which SpO2 scale this patient is on: set by a clinician, never inferred. */
  spo2Scale: 1 | 2;
  /** True when on supplemental oxygen, false on room air. */
  onOxygen?: boolean;
  /** Systolic blood pressure, mmHg. */
  systolicBp?: number;
  /** Beats per minute. */
  pulse?: number;
  consciousness?: Acvpu;
  /** Temperature, °C. */
  temperatureC?: number;
}

export interface News2Result {
  /** The score of each parameter present; a missing parameter has no key here. */
  perParameter: {
    respiratoryRate?: number;
    spo2?: number;
    airOrOxygen?: number;
    systolicBp?: number;
    pulse?: number;
    consciousness?: number;
    temperature?: number;
  };
  /** Sum of the scores in `perParameter`. When `partial`, a lower bound of the true score. */
  total: number;
  band: News2Band;
  /** True when any input field is missing: the total and band are then incomplete. */
  partial: boolean;
  /** Names of the missing `News2Input` fields, in the order of `NEWS2_INPUT_FIELDS`. */
  missing: string[];
  /** Any single parameter scores 3 (air or oxygen scores at most 2, so never makes a red score). */
  redScore: boolean;
}

/** Bump whenever a score could change for the same input, so stored scores say which rules made them. */
export const NEWS2_SCORER_VERSION = 'news2@1';

/** The optional `News2Input` fields, in the order `missing` lists them (the RCP chart's row order). */
export const NEWS2_INPUT_FIELDS = [
  'respiratoryRate',
  'spo2',
  'onOxygen',
  'systolicBp',
  'pulse',
  'consciousness',
  'temperatureC',
] as const;

/** `[upper cut-off, score]`: the first row whose cut-off is ≥ the value gives the score. */
type Bands = readonly (readonly [number, number])[];

interface ScoreTable {
  bands: Bands;
  /** Score for values above the last cut-off. */
  above: number;
}

// RCP NEWS2 2017, chart 1. Each row: [upper cut-off (inclusive), score].
const RESPIRATORY_RATE: ScoreTable = {
  bands: [
    [8, 3], // ≤8
    [11, 1], // 9–11
    [20, 0], // 12–20
    [24, 2], // 21–24
  ],
  above: 3, // ≥25
};

const SPO2_SCALE_1: ScoreTable = {
  bands: [
    [91, 3], // ≤91
    [93, 2], // 92–93
    [95, 1], // 94–95
  ],
  above: 0, // ≥96
};

// Scale 2 (hypercapnic respiratory failure, clinician-prescribed target 88–92%): up to 92 the score does
// not depend on oxygen; above 92 it does.
const SPO2_SCALE_2_LOW: ScoreTable = {
  bands: [
    [83, 3], // ≤83
    [85, 2], // 84–85
    [87, 1], // 86–87
  ],
  above: 0, // 88–92
};

const SPO2_SCALE_2_ABOVE_TARGET_ON_OXYGEN: ScoreTable = {
  bands: [
    [94, 1], // 93–94 on oxygen
    [96, 2], // 95–96 on oxygen
  ],
  above: 3, // ≥97 on oxygen
};

const SPO2_SCALE_2_TARGET_MAX = 92;

const SYSTOLIC_BP: ScoreTable = {
  bands: [
    [90, 3], // ≤90
    [100, 2], // 91–100
    [110, 1], // 101–110
    [219, 0], // 111–219
  ],
  above: 3, // ≥220
};

const PULSE: ScoreTable = {
  bands: [
    [40, 3], // ≤40
    [50, 1], // 41–50
    [90, 0], // 51–90
    [110, 1], // 91–110
    [130, 2], // 111–130
  ],
  above: 3, // ≥131
};

const TEMPERATURE_C: ScoreTable = {
  bands: [
    [35.0, 3], // ≤35.0
    [36.0, 1], // 35.1–36.0
    [38.0, 0], // 36.1–38.0
    [39.0, 1], // 38.1–39.0
  ],
  above: 2, // ≥39.1
};

const AIR_OR_OXYGEN = { air: 0, oxygen: 2 } as const;

const CONSCIOUSNESS: Readonly<Record<Acvpu, number>> = { A: 0, C: 3, V: 3, P: 3, U: 3 };

function lookup(table: ScoreTable, value: number): number {
  for (const [upper, score] of table.bands) {
    if (value <= upper) return score;
  }
  return table.above;
}

function scoreSpo2(value: number, scale: 1 | 2, onOxygen: boolean | undefined): number {
  if (scale === 1) return lookup(SPO2_SCALE_1, value);
  if (value <= SPO2_SCALE_2_TARGET_MAX) return lookup(SPO2_SCALE_2_LOW, value);
  // Above 92% on scale 2 the score depends on oxygen. When onOxygen is unknown we score as on air (0, the
  // lower score) and the result is partial with 'onOxygen' in `missing`, so it is never shown as a true
  // low score. Guessing "on oxygen" instead would invent a score of up to 3 that may page a nurse for a
  // patient on room air; the partial flag is the safe signal.
  return onOxygen === true ? lookup(SPO2_SCALE_2_ABOVE_TARGET_ON_OXYGEN, value) : 0;
}

function isAcvpu(value: unknown): value is Acvpu {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONSCIOUSNESS, value);
}

/** Undefined means missing; otherwise it must be a finite number (negative values are scored as given). */
function checkNumber(input: Record<string, unknown>, field: string): number | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`NEWS2: ${field} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

function bandOf(total: number, redScore: boolean): News2Band {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  if (redScore) return 'low-medium';
  return 'low';
}

/**
 * Scores one set of observations with NEWS2 (RCP 2017).
 *
 * A missing parameter (field undefined) is never scored as 0: the result is `partial` and lists it in
 * `missing`. `onOxygen` is itself a NEWS2 parameter (air or oxygen), so leaving it out makes the result
 * partial on either scale; on scale 2 an SpO2 above 92% is then scored as on air.
 *
 * @throws RangeError when `spo2Scale` is not 1 or 2, a number field is not a finite number (NaN,
 *   ±Infinity, null, a string…), `onOxygen` is not a boolean, or `consciousness` is not one of A, C, V, P, U.
 */
export function scoreNews2(input: News2Input): News2Result {
  if (typeof input !== 'object' || input === null) {
    throw new RangeError(`NEWS2: input must be an object, got ${describe(input)}`);
  }
  const raw = input as unknown as Record<string, unknown>;
  const scale = raw['spo2Scale'];
  if (scale !== 1 && scale !== 2) {
    throw new RangeError(`NEWS2: spo2Scale must be 1 or 2, got ${describe(scale)}`);
  }
  const respiratoryRate = checkNumber(raw, 'respiratoryRate');
  const spo2 = checkNumber(raw, 'spo2');
  const systolicBp = checkNumber(raw, 'systolicBp');
  const pulse = checkNumber(raw, 'pulse');
  const temperatureC = checkNumber(raw, 'temperatureC');
  const onOxygen = raw['onOxygen'];
  if (onOxygen !== undefined && typeof onOxygen !== 'boolean') {
    throw new RangeError(`NEWS2: onOxygen must be a boolean, got ${describe(onOxygen)}`);
  }
  const consciousness = raw['consciousness'];
  if (consciousness !== undefined && !isAcvpu(consciousness)) {
    throw new RangeError(`NEWS2: consciousness must be one of A, C, V, P, U, got ${describe(consciousness)}`);
  }

  const perParameter: News2Result['perParameter'] = {};
  if (respiratoryRate !== undefined) perParameter.respiratoryRate = lookup(RESPIRATORY_RATE, respiratoryRate);
  if (spo2 !== undefined) perParameter.spo2 = scoreSpo2(spo2, scale, onOxygen);
  if (onOxygen !== undefined) perParameter.airOrOxygen = onOxygen ? AIR_OR_OXYGEN.oxygen : AIR_OR_OXYGEN.air;
  if (systolicBp !== undefined) perParameter.systolicBp = lookup(SYSTOLIC_BP, systolicBp);
  if (pulse !== undefined) perParameter.pulse = lookup(PULSE, pulse);
  if (consciousness !== undefined) perParameter.consciousness = CONSCIOUSNESS[consciousness];
  if (temperatureC !== undefined) perParameter.temperature = lookup(TEMPERATURE_C, temperatureC);

  const missing: string[] = NEWS2_INPUT_FIELDS.filter((field) => raw[field] === undefined);
  const scores = Object.values(perParameter);
  const total = scores.reduce((sum, score) => sum + score, 0);
  // Only a clinical parameter can score 3; air or oxygen tops out at 2, so it can never be red.
  const redScore = scores.some((score) => score === 3);

  return {
    perParameter,
    total,
    band: bandOf(total, redScore),
    partial: missing.length > 0,
    missing,
    redScore,
  };
}

export type ObservationFrequency = '12-hourly' | '4-6-hourly' | '1-hourly' | 'continuous';

export type ResponseLevel = 'routine' | 'ward-based' | 'urgent-ward-based' | 'urgent' | 'emergency';

export interface ClinicalResponse {
  band: News2Band;
  minimumObservationFrequency: ObservationFrequency;
  /** Longest allowed gap between observation sets, in minutes; 0 means continuous monitoring. */
  minimumObservationIntervalMinutes: number;
  responseLevel: ResponseLevel;
  description: string;
  /** Present (true) only when the score was partial: the response is then a floor, not the answer. */
  partial?: true;
}

type ResponseRow = Omit<ClinicalResponse, 'band' | 'partial'>;

// RCP NEWS2 2017, chart 2 (clinical response), stated as minimums.
const ROUTINE: ResponseRow = {
  minimumObservationFrequency: '12-hourly',
  minimumObservationIntervalMinutes: 720,
  responseLevel: 'routine',
  description: 'NEWS2 0: continue routine monitoring; minimum 12-hourly observations.',
};

// RCP says 4–6-hourly; the interval takes the stricter end so a scheduler never waits 6 hours.
const WARD_BASED: ResponseRow = {
  minimumObservationFrequency: '4-6-hourly',
  minimumObservationIntervalMinutes: 240,
  responseLevel: 'ward-based',
  description:
    'NEWS2 1–4: registered nurse to assess and decide whether monitoring should increase or care ' +
    'escalate; minimum 4–6-hourly observations.',
};

const URGENT_WARD_BASED: ResponseRow = {
  minimumObservationFrequency: '1-hourly',
  minimumObservationIntervalMinutes: 60,
  responseLevel: 'urgent-ward-based',
  description:
    'Red score (a single parameter scoring 3): urgent ward-based response; registered nurse to inform ' +
    'the medical team caring for the patient, who will review and decide whether to escalate; minimum ' +
    '1-hourly observations.',
};

const URGENT: ResponseRow = {
  minimumObservationFrequency: '1-hourly',
  minimumObservationIntervalMinutes: 60,
  responseLevel: 'urgent',
  description:
    'NEWS2 5–6: urgent response; registered nurse to inform the medical team caring for the patient ' +
    'immediately, for urgent assessment by a clinician competent in acute illness; minimum 1-hourly ' +
    'observations.',
};

const EMERGENCY: ResponseRow = {
  minimumObservationFrequency: 'continuous',
  minimumObservationIntervalMinutes: 0,
  responseLevel: 'emergency',
  description:
    'NEWS2 7 or more: emergency response; registered nurse to inform the medical team immediately, for ' +
    'emergency assessment by a team with critical-care competencies; continuous monitoring of vital signs.',
};

function responseRow(result: News2Result): ResponseRow {
  switch (result.band) {
    case 'high':
      return EMERGENCY;
    case 'medium':
      return URGENT;
    case 'low-medium':
      return URGENT_WARD_BASED;
    case 'low':
      return result.total === 0 ? ROUTINE : WARD_BASED;
  }
}

/**
 * The minimum clinical response for a NEWS2 result (RCP 2017, chart 2).
 *
 * For a partial result the response is that of the parameters scored so far, marked `partial: true`,
 * and the description says the score is incomplete: it is a floor, never a reassurance.
 */
export function clinicalResponse(result: News2Result): ClinicalResponse {
  const row = responseRow(result);
  if (!result.partial) return { band: result.band, ...row };
  const missing = result.missing.length > 0 ? result.missing.join(', ') : 'some parameters';
  return {
    band: result.band,
    ...row,
    description:
      `Incomplete score (not recorded: ${missing}): the total of ${result.total} is a lower bound and must ` +
      `not be read as a true low score; record the missing observations. ${row.description}`,
    partial: true,
  };
}
