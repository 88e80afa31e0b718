import {
  type AlertsStreamEvent,
  byEventTime,
  type CanonicalObservation,
  type DeviceStatusEvent,
  expandVitalsEvent,
  type News2Score,
  type PipelineHeartbeatEvent,
  type ScoreEvent,
  type VitalsStreamEvent,
} from '@vigil/contracts';
import type { AlertChanges, AlertRecord } from './alert-record';
import {
  applyReadings,
  type ClinicalState,
  currentScore,
  EMPTY_STATE,
  isRetrospective,
  NEWS2_PARAMETERS,
  stateTime,
  toNews2Score,
} from './clinical-state';
import { EpisodeBook } from './episodes';
import type { PatientContext } from './patient-context';
import { type AlertingPolicy, freshnessMinutes } from './policy';
import { evaluateBatteryLow } from './rules/battery-low.rule';
import { evaluateDeterioration } from './rules/deterioration.rule';
import { DEVICE_OFFLINE_RULE } from './rules/device-offline.rule';
import { evaluateFall } from './rules/fall.rule';
import { evaluateImplausibleReadings } from './rules/implausible-reading.rule';
import type { Finding, ReadingContext } from './rules/rule';
import { evaluateWeightGain } from './rules/weight-gain.rule';

/** One batch of `vitals.observations`, split by kind; observations deduplicated by id, in arrival order. */
export interface VitalsBatch {
  observations: CanonicalObservation[];
  statuses: DeviceStatusEvent[];
  heartbeats: PipelineHeartbeatEvent[];
  /** Patients the batch touches (observations and device statuses). */
  patientIds: string[];
}

export function splitBatch(events: readonly VitalsStreamEvent[]): VitalsBatch {
  const seen = new Set<string>();
  const out: VitalsBatch = { observations: [], statuses: [], heartbeats: [], patientIds: [] };
  const patients = new Set<string>();
  for (const event of events) {
    switch (event.type) {
      case 'observation':
      case 'readings':
        for (const observation of expandVitalsEvent(event)) {
          if (seen.has(observation.id)) continue;
          seen.add(observation.id);
          out.observations.push(observation);
          patients.add(observation.patientId);
        }
        break;
      case 'device-status':
        out.statuses.push(event);
        if (event.patientId) patients.add(event.patientId);
        break;
      case 'pipeline-heartbeat':
        out.heartbeats.push(event);
        break;
    }
  }
  out.patientIds = [...patients];
  return out;
}

/**
 * R11: which of these readings are retrospective, judged against each patient's current state as the
 * readings are applied in event-time order (the stored flag; the decision below judges the same way).
 */
export function retrospectiveIds(
  states: ReadonlyMap<string, ClinicalState>,
  observations: readonly CanonicalObservation[],
): Set<string> {
  const out = new Set<string>();
  const working = new Map(states);
  for (const o of byEventTime(observations)) {
    const state = working.get(o.patientId) ?? EMPTY_STATE;
    if (isRetrospective(state, o)) out.add(o.id);
    else working.set(o.patientId, applyReadings(state, [o]));
  }
  return out;
}

/** A device heard from, by platform receipt time (R4: never the device clock). */
export interface DeviceSeen {
  deviceId: string;
  seenAt: Date;
  battery: number | null;
  signalDbm: number | null;
  firmware: string | null;
}

export interface ScoreDecision {
  patientId: string;
  score: News2Score;
  observationIds: readonly string[];
}

export interface ReadingsDecision {
  /** Each touched patient's state after the batch. */
  states: Map<string, ClinicalState>;
  /** Current scores to store and publish: one per patient and event time. */
  scores: ScoreDecision[];
  /** Event times of retrospective NEWS2 readings, to score for the record (never paged). */
  lateScoreTimes: { patientId: string; at: Date }[];
  alerts: AlertChanges;
  devices: DeviceSeen[];
}

export interface ReadingsDecisionInput {
  now: Date;
  policy: AlertingPolicy;
  patients: ReadonlyMap<string, PatientContext>;
  states: ReadonlyMap<string, ClinicalState>;
  /** Unresolved episodes of these patients. */
  episodes: readonly AlertRecord[];
  /** New observations only (a replayed one must not be decided twice: HZ-04). */
  observations: readonly CanonicalObservation[];
  statuses: readonly DeviceStatusEvent[];
}

/**
 * Issue 13 (HZ-63): a body weight received late (measured before the patient's newest readings) changes no
 * current state, but the heart-failure weight rule is a trend in event time: it is judged at the weight's own
 * measurement time, so a late weight that completes a gain of 2 kg within the plan's window alerts. Only an
 * active finding is applied: a late weight never counts towards clearing an alert (the newest weight does).
 */
function judgeLateWeights(
  book: EpisodeBook,
  patient: PatientContext,
  state: ClinicalState,
  late: readonly CanonicalObservation[],
  policy: AlertingPolicy,
): void {
  const weights = late.filter((o) => o.parameter === 'bodyWeight');
  if (weights.length === 0 || (patient.monitoring.weightGain ?? []).length === 0) return;
  if (patient.dischargedAt && patient.dischargedAt <= new Date(weights[0].measuredAt)) return;
  const ctx: ReadingContext = {
    patient,
    at: stateTime(state) ?? new Date(weights[0].measuredAt),
    readings: weights,
    state,
    score: null,
    freshnessMinutes: freshnessMinutes(patient.monitoring, policy.freshnessMinutes),
  };
  for (const finding of evaluateWeightGain(ctx)) if (finding.active) book.apply(patient, finding);
}

/**
 * The scorer's decision for one batch, pure (SPEC §4): each patient's state moves on in event time, the
 * current NEWS2 is scored from the whole state after every event-time group (so a late reading that is
 * the newest of its parameter re-evaluates the patient: R1), the rules judge each group, and alert
 * episodes change through the one state machine.
 */
export function decideReadings(input: ReadingsDecisionInput): ReadingsDecision {
  const { now, policy, patients } = input;
  const book = new EpisodeBook(input.episodes, policy, now);
  const states = new Map<string, ClinicalState>();
  const scores = new Map<string, ScoreDecision>();
  const lateScoreTimes: { patientId: string; at: Date }[] = [];
  const byPatient = groupBy(input.observations, (o) => o.patientId);

  for (const [patientId, list] of byPatient) {
    let state = input.states.get(patientId) ?? EMPTY_STATE;
    const patient = patients.get(patientId);
    const lateTimes = new Set<number>();
    for (const group of groupByTime(list)) {
      const late = group.filter((o) => isRetrospective(state, o));
      for (const o of late) if (NEWS2_PARAMETERS.has(o.parameter)) lateTimes.add(Date.parse(o.measuredAt));
      const current = group.filter((o) => !late.includes(o));
      if (patient) judgeLateWeights(book, patient, state, late, policy);
      if (current.length === 0) continue;
      state = applyReadings(state, current);
      if (!patient) continue;
      const score = currentScore(state, patient, policy.freshnessMinutes);
      if (score && current.some((o) => NEWS2_PARAMETERS.has(o.parameter))) {
        scores.set(`${patientId}|${score.at.toISOString()}`, {
          patientId,
          score: toNews2Score(score, patient.spo2Scale, false),
          observationIds: score.observationIds,
        });
      }
      const groupAt = new Date(current[0].measuredAt);
      if (patient.dischargedAt && patient.dischargedAt <= groupAt) continue;
      const ctx: ReadingContext = {
        patient,
        at: stateTime(state) ?? groupAt,
        readings: current,
        state,
        score,
        freshnessMinutes: freshnessMinutes(patient.monitoring, policy.freshnessMinutes),
      };
      for (const finding of clinicalFindings(ctx)) book.apply(patient, finding);
    }
    states.set(patientId, state);
    for (const at of lateTimes) lateScoreTimes.push({ patientId, at: new Date(at) });
  }

  const devices = devicesSeen(input.statuses, input.observations);
  const owners = deviceOwners(input);
  for (const d of devices) {
    const owner = owners.get(d.deviceId);
    const patient = owner ? patients.get(owner) : undefined;
    if (!patient || patient.dischargedAt) continue;
    if (d.battery !== null) {
      const battery = evaluateBatteryLow(d.deviceId, d.battery, d.seenAt, policy.battery);
      if (battery) book.apply(patient, battery);
    }
    book.apply(patient, { active: false, rule: DEVICE_OFFLINE_RULE, subject: d.deviceId, at: d.seenAt });
  }
  return { states, scores: [...scores.values()], lateScoreTimes, alerts: book.changes(), devices };
}

/** Score events for the console, for the scores the store actually took (a replay publishes nothing). */
export function scoreEvents(
  scores: readonly ScoreDecision[],
  stored: ReadonlySet<string>,
  patients: ReadonlyMap<string, PatientContext>,
): AlertsStreamEvent[] {
  return scores
    .filter((s) => stored.has(`${s.patientId}|${s.score.scoredAt}`) && patients.has(s.patientId))
    .map((s): ScoreEvent => ({
      type: 'score.updated',
      patientId: s.patientId,
      wardId: (patients.get(s.patientId) as PatientContext).wardId,
      score: s.score,
    }));
}

function clinicalFindings(ctx: ReadingContext): Finding[] {
  return [
    ...evaluateFall(ctx),
    ...evaluateImplausibleReadings(ctx),
    ...evaluateDeterioration(ctx),
    ...evaluateWeightGain(ctx),
  ];
}

/** Each device's patient in this batch: its last status naming one, else its last reading's. One pass. */
function deviceOwners(input: ReadingsDecisionInput): Map<string, string> {
  const owners = new Map<string, string>();
  for (const o of input.observations) if (o.deviceId) owners.set(o.deviceId, o.patientId);
  for (const s of input.statuses) if (s.patientId) owners.set(s.deviceId, s.patientId);
  return owners;
}

/**
 * One update per device, by receipt time (R4): a device's own clock can neither keep it "online" nor
 * make it look silent. Heartbeats carry battery, signal and firmware; a reading is a sign of life too (a
 * cuff may never send a heartbeat). Values a heartbeat omits are kept.
 */
export function devicesSeen(
  statuses: readonly DeviceStatusEvent[],
  observations: readonly CanonicalObservation[],
): DeviceSeen[] {
  const merged = new Map<string, DeviceSeen>();
  const ordered = [...statuses].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  for (const s of ordered) {
    const prev = merged.get(s.deviceId);
    const seenAt = new Date(s.receivedAt);
    merged.set(s.deviceId, {
      deviceId: s.deviceId,
      seenAt: prev && prev.seenAt > seenAt ? prev.seenAt : seenAt,
      battery: s.battery ?? prev?.battery ?? null,
      signalDbm: s.signalDbm ?? prev?.signalDbm ?? null,
      firmware: s.firmware ?? prev?.firmware ?? null,
    });
  }
  // A batch holds several readings of one device: its newest receipt time is found first, one Date per device.
  const lastReading = new Map<string, number>();
  for (const o of observations) {
    if (!o.deviceId) continue;
    const at = Date.parse(o.receivedAt);
    const prev = lastReading.get(o.deviceId);
    if (prev === undefined || at > prev) lastReading.set(o.deviceId, at);
  }
  for (const [deviceId, ms] of lastReading) {
    const at = new Date(ms);
    const prev = merged.get(deviceId);
    merged.set(
      deviceId,
      prev
        ? { ...prev, seenAt: prev.seenAt > at ? prev.seenAt : at }
        : { deviceId, seenAt: at, battery: null, signalDbm: null, firmware: null },
    );
  }
  return [...merged.values()];
}

function groupBy<T>(list: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of list) {
    const k = keyOf(t);
    const g = out.get(k);
    if (g) g.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Readings grouped by event time, oldest first (a cuff's systolic, diastolic and pulse are one group). */
function groupByTime(list: readonly CanonicalObservation[]): CanonicalObservation[][] {
  return [...groupBy(byEventTime(list), (o) => o.measuredAt).values()];
}
