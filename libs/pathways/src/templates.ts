import type { Parameter } from '@vigil/contracts';
import { DEFAULT_ESCALATION_LADDER, type TierTarget } from './escalation';

/**
 * Pathway templates: defaults a ward's clinical lead reviews and changes (every value is configurable in
 * the plan, and every change is audited). The source of each default is beside it; docs/pathways.md shows
 * each template as a table for clinical review.
 */
export const PATHWAY_IDS = ['ari', 'frailty', 'heart-failure', 'copd', 'smi-physical-health'] as const;
export type PathwayId = (typeof PATHWAY_IDS)[number];

export const RCP_NEWS2 = 'RCP NEWS2 2017, chart 2 (clinical response and minimum observation frequency)';
const ESC_HF =
  'European Society of Cardiology heart-failure guidance (gain > 2 kg in 3 days: contact the heart-failure team)';
const NHSE_ARI =
  'NHS England, Guidance note: virtual ward care for people with acute respiratory infection including COPD';

/** How often one parameter is to be measured, with the grace after which it is overdue. */
export interface ParameterSchedule {
  parameter: Parameter;
  everyMinutes: number;
  graceMinutes: number;
  source: string;
}

/** A personal threshold a template proposes (the clinician confirms or changes it at admission). */
export interface TemplateThreshold {
  parameter: Parameter;
  below?: number;
  above?: number;
  note: string;
}

/** A trend rule: alert when a parameter rises by `gain` or more within `windowHours`. */
export interface WeightGainRule {
  kind: 'weight-gain';
  gainKg: number;
  windowHours: number;
  source: string;
}

/** RCP: NEWS2 ≥ 5 (or a single 3) needs observations at least hourly; schedules relax when it falls back. */
export interface Tightening {
  news2AtLeast: number;
  onRedScore: boolean;
  everyMinutes: number;
  source: string;
}

export interface DischargeCriteria {
  /** Hours without a NEWS2 in the medium band or above (and without a red score). */
  hoursWithoutMediumNews2: number;
  /** Hours without an open clinical alert. */
  text: string;
  source: string;
}

export interface PathwayTemplate {
  id: PathwayId;
  version: number;
  title: string;
  summary: string;
  spo2Scale: 1 | 2;
  /** Scale 2 needs a clinician's audited oxygen prescription (N1). */
  needsOxygenPrescription: boolean;
  schedules: ParameterSchedule[];
  thresholds: TemplateThreshold[];
  trendRules: WeightGainRule[];
  tightening: Tightening | null;
  escalation: TierTarget[];
  /** Who missed check-ins and alerts go to first, in words (SMI: the named care coordinator). */
  firstContact: string;
  discharge: DischargeCriteria;
  sources: string[];
}

const H = 60;
const news2Set = (everyMinutes: number, graceMinutes: number, source: string): ParameterSchedule[] =>
  (['spo2', 'heartRate', 'respiratoryRate', 'temperature', 'systolicBp'] as const).map((parameter) => ({
    parameter,
    everyMinutes,
    graceMinutes,
    source,
  }));

const TIGHTEN: Tightening = { news2AtLeast: 5, onRedScore: true, everyMinutes: 60, source: RCP_NEWS2 };

const STANDARD_DISCHARGE: DischargeCriteria = {
  hoursWithoutMediumNews2: 48,
  text: '48 hours without a NEWS2 of 5 or more or a red score, no open alerts, patient and carer agree.',
  source: 'NICE QS210 (ARI virtual wards: discharge summary shared with the GP); local criteria',
};

export const PATHWAY_TEMPLATES: Readonly<Record<PathwayId, PathwayTemplate>> = {
  ari: {
    id: 'ari',
    version: 1,
    title: 'Acute respiratory infection',
    summary: 'Step-down or step-up care for an acute respiratory infection, NEWS2 observations 4-hourly.',
    spo2Scale: 1,
    needsOxygenPrescription: false,
    schedules: news2Set(4 * H, 30, `${RCP_NEWS2}: NEWS2 1–4 → at least 4–6-hourly`),
    thresholds: [
      {
        parameter: 'spo2',
        below: 93,
        note: 'SpO2 below 93 % (admission criteria: 93–94 % only if improving)',
      },
    ],
    trendRules: [],
    tightening: TIGHTEN,
    escalation: [...DEFAULT_ESCALATION_LADDER],
    firstContact: 'Virtual-ward nurse',
    discharge: STANDARD_DISCHARGE,
    sources: [
      RCP_NEWS2,
      NHSE_ARI,
      'NICE QS210',
      'Buckinghamshire Healthcare ARI virtual-ward admission criteria',
    ],
  },
  copd: {
    id: 'copd',
    version: 1,
    title: 'COPD exacerbation (SpO2 scale 2)',
    summary:
      'Known chronic hypoxia: SpO2 target 88–92 % scored on NEWS2 SpO2 scale 2 with the audited oxygen prescription.',
    spo2Scale: 2,
    needsOxygenPrescription: true,
    schedules: news2Set(4 * H, 30, `${RCP_NEWS2}: NEWS2 1–4 → at least 4–6-hourly`),
    thresholds: [
      { parameter: 'spo2', below: 88, note: 'SpO2 below 88 %, this patient’s target range 88–92 %' },
    ],
    trendRules: [],
    tightening: TIGHTEN,
    escalation: [...DEFAULT_ESCALATION_LADDER],
    firstContact: 'Virtual-ward nurse',
    discharge: STANDARD_DISCHARGE,
    sources: [RCP_NEWS2, 'RCP NEWS2 2017: SpO2 scale 2 prescribed by a clinician', NHSE_ARI],
  },
  frailty: {
    id: 'frailty',
    version: 1,
    title: 'Frailty',
    summary:
      'People living with frailty after a fall or delirium: falls sensor always on, spot vital signs twice daily.',
    spo2Scale: 1,
    needsOxygenPrescription: false,
    schedules: [...news2Set(12 * H, 60, `${RCP_NEWS2}: spot vital signs, at least 12-hourly`)],
    thresholds: [],
    trendRules: [],
    tightening: TIGHTEN,
    escalation: [...DEFAULT_ESCALATION_LADDER],
    firstContact: 'Virtual-ward nurse',
    discharge: {
      hoursWithoutMediumNews2: 72,
      text: '72 hours without a NEWS2 of 5 or more, no fall, no new confusion, no open alerts.',
      source: 'Local frailty virtual-ward criteria (for clinical review)',
    },
    sources: [RCP_NEWS2, 'NHS England virtual ward programme (frailty)'],
  },
  'heart-failure': {
    id: 'heart-failure',
    version: 1,
    title: 'Heart failure',
    summary: 'Daily morning weight with a weight-gain alert, blood pressure and pulse twice daily.',
    spo2Scale: 1,
    needsOxygenPrescription: false,
    schedules: [
      {
        parameter: 'bodyWeight',
        everyMinutes: 24 * H,
        graceMinutes: 2 * H,
        source: `${ESC_HF}: daily morning weight`,
      },
      {
        parameter: 'systolicBp',
        everyMinutes: 12 * H,
        graceMinutes: H,
        source: 'Heart-failure monitoring: BP twice daily',
      },
      {
        parameter: 'heartRate',
        everyMinutes: 12 * H,
        graceMinutes: H,
        source: 'Heart-failure monitoring: pulse twice daily',
      },
      { parameter: 'spo2', everyMinutes: 12 * H, graceMinutes: H, source: RCP_NEWS2 },
    ],
    thresholds: [
      { parameter: 'systolicBp', below: 90, note: 'Systolic BP below 90 (hypotension on diuretics)' },
      { parameter: 'heartRate', above: 110, note: 'Pulse above 110' },
    ],
    trendRules: [{ kind: 'weight-gain', gainKg: 2, windowHours: 72, source: ESC_HF }],
    tightening: TIGHTEN,
    escalation: [
      { tier: 'ward-nurse', responseMinutes: 60 },
      { tier: 'ward-clinician', responseMinutes: 60 },
      { tier: 'ccc', responseMinutes: 30 },
      { tier: 'urgent-response', responseMinutes: 15 },
    ],
    firstContact: 'Virtual-ward nurse, then the heart-failure team',
    discharge: {
      hoursWithoutMediumNews2: 72,
      text: '72 hours with a stable weight (no weight-gain alert), no NEWS2 of 5 or more, no open alerts.',
      source: 'Local heart-failure virtual-ward criteria (for clinical review)',
    },
    sources: [ESC_HF, RCP_NEWS2],
  },
  'smi-physical-health': {
    id: 'smi-physical-health',
    version: 1,
    title: 'Severe mental illness — physical-health monitoring',
    summary:
      'Regular weight, blood pressure and pulse; missed check-ins followed up by the named care coordinator.',
    spo2Scale: 1,
    needsOxygenPrescription: false,
    schedules: [
      {
        parameter: 'bodyWeight',
        everyMinutes: 7 * 24 * H,
        graceMinutes: 24 * H,
        source: 'SMI physical-health checks: weight weekly',
      },
      {
        parameter: 'systolicBp',
        everyMinutes: 24 * H,
        graceMinutes: 12 * H,
        source: 'SMI physical-health checks: BP daily',
      },
      {
        parameter: 'heartRate',
        everyMinutes: 24 * H,
        graceMinutes: 12 * H,
        source: 'SMI physical-health checks: pulse daily',
      },
    ],
    thresholds: [{ parameter: 'systolicBp', above: 180, note: 'Systolic BP above 180' }],
    trendRules: [],
    tightening: null,
    escalation: [
      { tier: 'ward-nurse', responseMinutes: 24 * H },
      { tier: 'ward-clinician', responseMinutes: 24 * H },
    ],
    firstContact: 'Named care coordinator (community mental health team)',
    discharge: {
      hoursWithoutMediumNews2: 0,
      text: 'Agreed with the community mental health team at review.',
      source: 'ICS strategy seed (SMI remote physical-health monitoring)',
    },
    sources: ['ICS strategy: remote physical-health monitoring for people with severe mental illness'],
  },
};

export function templateOf(id: string): PathwayTemplate | null {
  return (PATHWAY_TEMPLATES as Record<string, PathwayTemplate>)[id] ?? null;
}
