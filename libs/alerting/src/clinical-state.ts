import { NEWS2_SCORER_VERSION, type News2Input, type News2Result, scoreNews2 } from '@vigil/clinical';
import type { AcvpuCode, CanonicalObservation, News2Score, Parameter } from '@vigil/contracts';
import type { PatientContext } from './patient-context';
import { freshnessMinutes, isFresh, isStaleOnArrival } from './policy';

/** The parameters NEWS2 reads (RCP NEWS2 2017, chart 1). */
export const NEWS2_PARAMETERS: ReadonlySet<Parameter> = new Set<Parameter>([
  'respiratoryRate',
  'spo2',
  'inspiredOxygen',
  'systolicBp',
  'heartRate',
  'consciousness',
  'temperature',
]);

/** The newest value of one parameter, by event time. */
export interface HeldValue {
  parameter: Parameter;
  observationId: string;
  value: number;
  valueCode: string | null;
  /** Event time (device clock, corrected when it was off: R12). */
  measuredAt: Date;
  /** Platform receipt time, where known. */
  receivedAt?: Date | null;
  deviceId?: string | null;
}

/**
 * A patient's clinical state in event time: the newest value of each parameter by `measuredAt`, whatever
 * order the readings arrived in (SPEC §4). Events (falls) are not state: they are judged as they come.
 */
export type ClinicalState = ReadonlyMap<Parameter, HeldValue>;

export const EMPTY_STATE: ClinicalState = new Map();

export function heldValueOf(o: CanonicalObservation): HeldValue {
  return {
    parameter: o.parameter,
    observationId: o.id,
    value: o.value,
    valueCode: o.valueCode,
    measuredAt: new Date(o.measuredAt),
    receivedAt: new Date(o.receivedAt),
    deviceId: o.deviceId,
  };
}

/**
 * Event-time order of a reading (its `measuredAt` in ms, its id) against the value held for its parameter. Equal
 * times are ordered by observation id, so any arrival order of the same readings ends in the same state. Takes the
 * time as a number so that no held value (two Dates) is made only to be compared (issue 11: that was a fifth of
 * the scorer's pure decision time).
 */
function isNewerThan(measuredAtMs: number, observationId: string, held: HeldValue): boolean {
  const b = held.measuredAt.getTime();
  return measuredAtMs > b || (measuredAtMs === b && observationId > held.observationId);
}

/**
 * R11: a reading is retrospective when the state already holds a newer value of its parameter — judged
 * against the current state, however old that value is, never against a fixed window. It is stored and
 * charted and changes nothing current. Falls are events, never retrospective. A reading that is the newest
 * of its parameter but already older than the freshness window when it arrives is treated the same way for
 * alerting (R7 on arrival, `policy.ts`): it moves the event-time state on, and pages nothing.
 */
export function isRetrospective(state: ClinicalState, o: CanonicalObservation): boolean {
  if (o.parameter === 'fall') return false;
  const held = state.get(o.parameter);
  return (
    held !== undefined && held.observationId !== o.id && !isNewerThan(Date.parse(o.measuredAt), o.id, held)
  );
}

/** The state after these readings (pure: the input state is not changed). */
export function applyReadings(
  state: ClinicalState,
  readings: readonly CanonicalObservation[],
): ClinicalState {
  let next: Map<Parameter, HeldValue> | null = null;
  for (const o of readings) {
    if (o.parameter === 'fall') continue;
    const held = (next ?? state).get(o.parameter);
    if (held && !isNewerThan(Date.parse(o.measuredAt), o.id, held)) continue;
    next ??= new Map(state);
    next.set(o.parameter, heldValueOf(o));
  }
  return next ?? state;
}

/** The event time of the state: its newest value's `measuredAt`; null when it holds nothing. */
export function stateTime(state: ClinicalState): Date | null {
  let newest: Date | null = null;
  for (const v of state.values()) if (!newest || v.measuredAt > newest) newest = v.measuredAt;
  return newest;
}

/**
 * R7 on arrival: the state as it stands at `now` — without the values already older than the freshness window
 * then (the same map when none is). Values measured after `now` (a device clock a little fast) are kept.
 */
export function liveState(state: ClinicalState, now: Date, windowMinutes: number): ClinicalState {
  let live: Map<Parameter, HeldValue> | null = null;
  for (const [parameter, v] of state) {
    if (!isStaleOnArrival(v.measuredAt, now, windowMinutes)) continue;
    live ??= new Map(state);
    live.delete(parameter);
  }
  return live ?? state;
}

/** The values still current at `at` under the patient's freshness window (R7). */
export function freshValues(state: ClinicalState, at: Date, windowMinutes: number): HeldValue[] {
  return [...state.values()].filter((v) => isFresh(v.measuredAt, at, windowMinutes));
}

export type OxygenSource = News2Score['oxygenSource'];

/** The patient's NEWS2 now: the score alerting decides on, and its range where oxygen is unknown (N1). */
export interface CurrentScore {
  /** The score to decide on: with oxygen unknown on scale 2, the highest it could be. */
  result: News2Result;
  /** With oxygen unknown on scale 2: the lowest it could be (shown beside the highest). */
  lowest: News2Result | null;
  oxygenSource: OxygenSource;
  /** Event time the score applies to: the newest value in the state. */
  at: Date;
  /** The observations it was computed from (FHIR `derivedFrom`), sorted. */
  observationIds: string[];
}

/**
 * N1: NEWS2's air-or-oxygen, from the newest of a fresh air-or-oxygen reading and the patient's oxygen
 * prescription (a newer manual entry overrides the prescription; a newer prescription overrides the entry).
 */
function oxygenOf(
  patient: PatientContext,
  reading: HeldValue | undefined,
): { onOxygen: boolean | undefined; source: OxygenSource; observationId: string | null } {
  const prescription = patient.oxygenPrescription;
  const prescribedAt = prescription ? Date.parse(prescription.setAt) : Number.NEGATIVE_INFINITY;
  if (reading && reading.measuredAt.getTime() >= prescribedAt) {
    return {
      onOxygen: reading.valueCode === 'oxygen',
      source: 'observation',
      observationId: reading.observationId,
    };
  }
  if (prescription) return { onOxygen: prescription.onOxygen, source: 'prescription', observationId: null };
  return { onOxygen: undefined, source: 'unknown', observationId: null };
}

/**
 * The patient's NEWS2 (RCP NEWS2 2017) at the state's own event time: the newest value of each parameter
 * still fresh then. Missing parameters make it partial, never 0 (HZ-08). Null when no NEWS2 parameter is
 * current. What is "current" at the wall clock is the score of {@link liveState} (R7 on arrival): the
 * decision uses that one.
 */
export function currentScore(
  state: ClinicalState,
  patient: PatientContext,
  defaultFreshnessMinutes?: number,
): CurrentScore | null {
  const at = stateTime(state);
  if (!at) return null;
  return scoreAt(state, patient, at, defaultFreshnessMinutes);
}

/** NEWS2 at event time `at` from the values of `state` fresh then (also used for retrospective scores). */
export function scoreAt(
  state: ClinicalState,
  patient: PatientContext,
  at: Date,
  defaultFreshnessMinutes?: number,
): CurrentScore | null {
  const window = freshnessMinutes(patient.monitoring, defaultFreshnessMinutes);
  const values = freshValues(state, at, window).filter((v) => NEWS2_PARAMETERS.has(v.parameter));
  const input: News2Input = { spo2Scale: patient.spo2Scale };
  const observationIds: string[] = [];
  let oxygenReading: HeldValue | undefined;
  for (const v of values) {
    switch (v.parameter) {
      case 'respiratoryRate':
        input.respiratoryRate = v.value;
        break;
      case 'spo2':
        input.spo2 = v.value;
        break;
      case 'inspiredOxygen':
        oxygenReading = v;
        continue;
      case 'systolicBp':
        input.systolicBp = v.value;
        break;
      case 'heartRate':
        input.pulse = v.value;
        break;
      case 'consciousness':
        input.consciousness = (v.valueCode ?? 'A') as AcvpuCode;
        break;
      case 'temperature':
        input.temperatureC = v.value;
        break;
      case 'diastolicBp':
      case 'meanArterialPressure':
      case 'fall':
      case 'bodyWeight':
      case 'breathlessness':
      case 'chestPain':
        continue;
    }
    observationIds.push(v.observationId);
  }
  if (observationIds.length === 0) return null;
  const oxygen = oxygenOf(patient, oxygenReading);
  if (oxygen.observationId) observationIds.push(oxygen.observationId);
  observationIds.sort();
  if (oxygen.onOxygen !== undefined) {
    input.onOxygen = oxygen.onOxygen;
    return { result: scoreNews2(input), lowest: null, oxygenSource: oxygen.source, at, observationIds };
  }
  if (patient.spo2Scale === 2) {
    // N1: on scale 2 the SpO2 score itself depends on oxygen. Unknown, the nurse sees both ends and
    // alerting decides on the highest, so an unknown never hides a deterioration.
    const onAir = scoreNews2({ ...input, onOxygen: false });
    const onO2 = scoreNews2({ ...input, onOxygen: true });
    const [high, low] = onO2.total >= onAir.total ? [onO2, onAir] : [onAir, onO2];
    return {
      result: high,
      lowest: low.total === high.total ? null : low,
      oxygenSource: 'unknown',
      at,
      observationIds,
    };
  }
  // Scale 1: air or oxygen is one more parameter; unknown, the score is partial (HZ-08).
  return { result: scoreNews2(input), lowest: null, oxygenSource: 'unknown', at, observationIds };
}

/** The stored and published form of a score. */
export function toNews2Score(score: CurrentScore, spo2Scale: 1 | 2, retrospective: boolean): News2Score {
  const { result } = score;
  const perParameter: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.perParameter)) if (typeof v === 'number') perParameter[k] = v;
  return {
    total: result.total,
    band: result.band,
    partial: result.partial,
    missing: result.missing,
    redScore: result.redScore,
    perParameter,
    scorerVersion: NEWS2_SCORER_VERSION,
    scoredAt: score.at.toISOString(),
    retrospective,
    spo2Scale,
    range: score.lowest ? { lowest: score.lowest.total, highest: result.total } : null,
    oxygenSource: score.oxygenSource,
  };
}
