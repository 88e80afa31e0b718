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
  liveState,
  NEWS2_PARAMETERS,
  scoreAt,
  stateTime,
  toNews2Score,
} from './clinical-state';
import { EpisodeBook } from './episodes';
import { lateDataAudit, type UnpagedFinding, withLateNote, worseUnpaged } from './late-data';
import type { PatientContext } from './patient-context';
import { type AlertingPolicy, freshnessMinutes, isStaleOnArrival } from './policy';
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

/** When and for whom a batch arrives: what R7 on arrival needs to tell a stale backlog (`policy.ts`). */
export interface ArrivalContext {
  now: Date;
  patients: ReadonlyMap<string, Pick<PatientContext, 'monitoring'>>;
  /** The default freshness window (a patient's plan may set its own). */
  freshnessMinutes: number;
}

/**
 * R11: which of these readings are retrospective, judged against each patient's current state as the
 * readings are applied in event-time order (the stored flag; the decision below judges the same way).
 * Given the arrival, R7 on arrival too: a reading already older than the patient's freshness window when it
 * arrives is flagged retrospective though it moves the state on (a fall never is: it still alerts).
 */
export function retrospectiveIds(
  states: ReadonlyMap<string, ClinicalState>,
  observations: readonly CanonicalObservation[],
  arrival?: ArrivalContext,
): Set<string> {
  const out = new Set<string>();
  const working = new Map(states);
  for (const o of byEventTime(observations)) {
    const state = working.get(o.patientId) ?? EMPTY_STATE;
    if (isRetrospective(state, o)) {
      out.add(o.id);
      continue;
    }
    working.set(o.patientId, applyReadings(state, [o]));
    if (arrival && o.parameter !== 'fall') {
      const window = freshnessMinutes(
        arrival.patients.get(o.patientId)?.monitoring,
        arrival.freshnessMinutes,
      );
      if (isStaleOnArrival(new Date(o.measuredAt), arrivedAt([o], arrival.now), window)) out.add(o.id);
    }
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
  /**
   * Event times of retrospective NEWS2 readings (R11, and R7 on arrival where the state holds newer values),
   * to score for the record from the store (never paged).
   */
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
 *
 * R7 on arrival (`policy.ts`, HZ-06, HZ-07): "current" is judged at `now`, never at the state's own newest
 * time. A group already older than the freshness window when it arrives moves the state on and is scored
 * for the record (retrospective), but pages nothing but a fall (and a weight gain, a trend of days); what it
 * would have raised goes into a `late-data-not-paged` audit row on the patient's unresolved alert. A group
 * still within the window is decided on the values fresh at `now`, and a reason says how late it came.
 */
export function decideReadings(input: ReadingsDecisionInput): ReadingsDecision {
  const { now, policy, patients } = input;
  const book = new EpisodeBook(input.episodes, policy, now);
  const states = new Map<string, ClinicalState>();
  const scores = new Map<string, ScoreDecision>();
  const lateScoreTimes: { patientId: string; at: Date }[] = [];
  const lateAudits: AlertChanges['audits'] = [];
  const byPatient = groupBy(input.observations, (o) => o.patientId);

  for (const [patientId, list] of byPatient) {
    let state = input.states.get(patientId) ?? EMPTY_STATE;
    const patient = patients.get(patientId);
    const window = freshnessMinutes(patient?.monitoring, policy.freshnessMinutes);
    const lateTimes = new Set<number>();
    let unpaged: UnpagedFinding | null = null;
    for (const group of groupByTime(list)) {
      const late = group.filter((o) => isRetrospective(state, o));
      for (const o of late) if (NEWS2_PARAMETERS.has(o.parameter)) lateTimes.add(Date.parse(o.measuredAt));
      const current = group.filter((o) => !late.includes(o));
      if (patient) judgeLateWeights(book, patient, state, late, policy);
      if (current.length === 0) continue;
      state = applyReadings(state, current);
      if (!patient) continue;
      const groupAt = new Date(current[0].measuredAt);
      // When Vigil received it (ingest's clock), not when the scorer got to it: a lagging or recovering pipeline
      // must not turn readings that arrived on time into a backlog that pages nothing.
      const arrived = arrivedAt(current, now);
      const news2 = current.some((o) => NEWS2_PARAMETERS.has(o.parameter));
      const discharged = patient.dischargedAt !== null && patient.dischargedAt <= groupAt;
      if (isStaleOnArrival(groupAt, arrived, window)) {
        // R7 on arrival: scored for the record at its own time — here when it is the state's newest, else by
        // the store (which holds the values it replaced) — and judged only to say what it would have raised.
        const record = scoreAt(state, patient, groupAt, policy.freshnessMinutes);
        if (news2 && record && stateTime(state)?.getTime() === groupAt.getTime()) {
          scores.set(`${patientId}|${record.at.toISOString()}`, {
            patientId,
            score: toNews2Score(record, patient.spo2Scale, true),
            observationIds: record.observationIds,
          });
        } else if (news2) lateTimes.add(groupAt.getTime());
        if (discharged) continue;
        const ctx: ReadingContext = {
          patient,
          at: groupAt,
          readings: current,
          state,
          score: record,
          freshnessMinutes: window,
        };
        // A fall nobody has answered is a fall however late (SPEC §4); a weight gain is judged over days, in
        // event time, and a late weight never clears it (as `judgeLateWeights`).
        for (const f of [...evaluateFall(ctx), ...evaluateWeightGain(ctx)]) {
          if (f.active) book.apply(patient, withLateNote(f, groupAt, arrived));
        }
        for (const f of [...evaluateImplausibleReadings(ctx), ...evaluateDeterioration(ctx)]) {
          if (f.active) unpaged = worseUnpaged(unpaged, f, groupAt, arrived);
        }
        continue;
      }
      // Current: decided on the values still fresh when it arrived, and stored as the current score it was decided on.
      const live = liveState(state, arrived, window);
      const score = currentScore(live, patient, policy.freshnessMinutes);
      if (score && news2) {
        scores.set(`${patientId}|${score.at.toISOString()}`, {
          patientId,
          score: toNews2Score(score, patient.spo2Scale, false),
          observationIds: score.observationIds,
        });
      }
      if (discharged) continue;
      const ctx: ReadingContext = {
        patient,
        at: stateTime(live) ?? groupAt,
        readings: current,
        state: live,
        score,
        freshnessMinutes: window,
      };
      for (const finding of clinicalFindings(ctx))
        book.apply(patient, withLateNote(finding, groupAt, arrived));
    }
    states.set(patientId, state);
    for (const at of lateTimes) lateScoreTimes.push({ patientId, at: new Date(at) });
    if (unpaged) {
      const known = input.episodes.filter((e) => e.patientId === patientId);
      const audit = lateDataAudit(book, patientId, known, unpaged, now, window);
      if (audit) lateAudits.push(audit);
    }
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
  const alerts = book.changes();
  return {
    states,
    scores: [...scores.values()],
    lateScoreTimes,
    alerts: { ...alerts, audits: [...alerts.audits, ...lateAudits] },
    devices,
  };
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

/**
 * When Vigil received these readings: the earliest `receivedAt` ingest stamped on them (platform time), never
 * later than `now`; `now` where none is readable. R7 on arrival judges freshness here, so the time a batch spent
 * in the pipeline (consumer lag, an outage waited out) never counts against the readings.
 */
function arrivedAt(observations: readonly CanonicalObservation[], now: Date): Date {
  let earliest = now.getTime();
  for (const o of observations) {
    const at = Date.parse(o.receivedAt);
    if (Number.isFinite(at) && at < earliest) earliest = at;
  }
  return new Date(earliest);
}
