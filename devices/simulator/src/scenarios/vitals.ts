import type { News2Input } from '@vigil/clinical';
import type { Rng } from './random';

/**
 * Clinical scenarios: what a patient's physiology does over the first minutes of a demo. Pure
 * functions of (profile, scenario time, rng) so tests can score them with `scoreNews2`.
 */
export const SCENARIO_KINDS = [
  'stable',
  'deteriorating',
  'copd',
  'fall',
  'offline',
  'backlog',
  'gatt',
  // Issue 13: a heart-failure patient whose weight rises, and a person with SMI on physical-health checks.
  'heart-failure',
  'smi',
] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** Vital signs as home devices report them (already rounded the way the devices round them). */
export interface Vitals {
  heartRate: number;
  respiratoryRate: number;
  spo2: number;
  temperatureC: number;
  systolic: number;
  diastolic: number;
  /** Body weight from a connected scale (heart-failure and SMI pathways), kg. */
  weightKg?: number;
}

export interface PatientProfile {
  scenario: ScenarioKind;
  /** SpO2 scale 2 is prescribed by a clinician for hypercapnic respiratory failure (here: COPD). */
  spo2Scale: 1 | 2;
  baseline: Vitals;
}

/**
 * Seconds of scenario time over which the deteriorating (sepsis-like) patient goes from normal to the
 * target below. With these numbers NEWS2 is low at the start, medium from about 35 s and high from
 * about 45 s, so a demo shows the rise within its first minute.
 */
export const DETERIORATION_SECONDS = 75;

const SEPSIS_TARGET: Vitals = {
  heartRate: 128,
  respiratoryRate: 27,
  spo2: 90,
  temperatureC: 39.4,
  systolic: 96,
  diastolic: 58,
};

export function createProfile(scenario: ScenarioKind, rng: Rng): PatientProfile {
  switch (scenario) {
    case 'deteriorating':
      return {
        scenario,
        spo2Scale: 1,
        baseline: {
          heartRate: rng.between(76, 84),
          respiratoryRate: rng.between(15, 17),
          spo2: rng.between(97, 98.5),
          temperatureC: rng.between(36.8, 37.2),
          systolic: rng.between(122, 132),
          diastolic: rng.between(74, 82),
        },
      };
    case 'copd':
      // Chronic hypoxaemia on air: 88–92 % is this patient's target range, normal on scale 2.
      return {
        scenario,
        spo2Scale: 2,
        baseline: {
          heartRate: rng.between(76, 86),
          respiratoryRate: rng.between(16, 18.5),
          spo2: rng.between(89, 91),
          temperatureC: rng.between(36.5, 37.1),
          systolic: rng.between(122, 140),
          diastolic: rng.between(72, 86),
        },
      };
    case 'heart-failure':
    case 'smi':
      return {
        scenario,
        spo2Scale: 1,
        baseline: {
          heartRate: rng.between(66, 82),
          respiratoryRate: rng.between(14, 17),
          spo2: rng.between(96, 98),
          temperatureC: rng.between(36.5, 37.1),
          systolic: rng.between(118, 138),
          diastolic: rng.between(70, 84),
          weightKg: Math.round(rng.between(72, 92) * 10) / 10,
        },
      };
    case 'stable':
    case 'fall':
    case 'offline':
    case 'backlog':
    case 'gatt':
      return {
        scenario,
        spo2Scale: 1,
        baseline: {
          heartRate: rng.between(62, 84),
          respiratoryRate: rng.between(13, 18),
          spo2: rng.between(97, 99),
          temperatureC: rng.between(36.4, 37.3),
          systolic: rng.between(118, 145),
          diastolic: rng.between(68, 88),
        },
      };
  }
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * Demo time for fluid retention: the heart-failure patient's weight rises 2.5 kg over this many seconds, so
 * the weight-gain rule (≥ 2 kg within 3 days, ESC) fires within the first few minutes of `npm start`.
 */
export const WEIGHT_GAIN_SECONDS = 180;
export const WEIGHT_GAIN_KG = 2.5;

/** The scale's reading at `elapsedSeconds`: rising for the heart-failure patient, steady otherwise. */
export function weightAt(profile: PatientProfile, elapsedSeconds: number): number | undefined {
  const base = profile.baseline.weightKg;
  if (base === undefined) return undefined;
  if (profile.scenario !== 'heart-failure') return base;
  return round1(base + WEIGHT_GAIN_KG * clamp(elapsedSeconds / WEIGHT_GAIN_SECONDS, 0, 1));
}

/** How far along the deterioration is at `elapsedSeconds`, 0…1. */
export function deteriorationProgress(profile: PatientProfile, elapsedSeconds: number): number {
  if (profile.scenario !== 'deteriorating') return 0;
  return clamp(elapsedSeconds / DETERIORATION_SECONDS, 0, 1);
}

/**
 * The vitals a device would measure at `elapsedSeconds` of scenario time. Noise is small enough that a
 * stable patient never leaves the NEWS2 zero band on any one parameter.
 */
export function vitalsAt(profile: PatientProfile, elapsedSeconds: number, rng: Rng): Vitals {
  const p = deteriorationProgress(profile, elapsedSeconds);
  const b = profile.baseline;
  const toward = (key: Exclude<keyof Vitals, 'weightKg'>): number =>
    b[key] + (SEPSIS_TARGET[key] - b[key]) * p;
  const noise = (amplitude: number): number => rng.between(-amplitude, amplitude);
  const spo2Ceiling = profile.scenario === 'copd' ? 92 : 100;
  const spo2Floor = profile.scenario === 'copd' ? 88 : 50;
  return {
    heartRate: Math.round(toward('heartRate') + noise(2.5)),
    respiratoryRate: Math.round(toward('respiratoryRate') + noise(0.9)),
    spo2: clamp(Math.round(toward('spo2') + noise(0.9)), spo2Floor, spo2Ceiling),
    temperatureC: round1(toward('temperatureC') + noise(0.15)),
    systolic: Math.round(toward('systolic') + noise(4)),
    diastolic: Math.round(toward('diastolic') + noise(3)),
    ...(b.weightKg !== undefined ? { weightKg: weightAt(profile, elapsedSeconds) } : {}),
  };
}

/** The NEWS2 input home devices can supply; consciousness and oxygen are not measured at home. */
export function news2InputOf(vitals: Vitals, spo2Scale: 1 | 2): News2Input {
  return {
    spo2Scale,
    respiratoryRate: vitals.respiratoryRate,
    spo2: vitals.spo2,
    systolicBp: vitals.systolic,
    pulse: vitals.heartRate,
    temperatureC: vitals.temperatureC,
  };
}
