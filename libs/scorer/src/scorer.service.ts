import type {
  AlertEvent,
  AlertSeverity,
  AlertsStreamEvent,
  CanonicalObservation,
  DeviceStatusEvent,
  Parameter,
  PipelineHeartbeatEvent,
  ScoreEvent,
  VitalsStreamEvent,
} from '@vigil/contracts';
import {
  AlertsRepository,
  type DeviceStatusUpdate,
  type LatestValue,
  ObservationsRepository,
  type PatientScoringContext,
  ScoresRepository,
  type ScoreToStore,
  ScoringContextRepository,
  type SqlClient,
  type SqlDatabase,
} from '@vigil/storage';
import { EpisodeBook, type HysteresisPolicy } from './episodes';
import {
  NEWS2_PARAMETERS,
  news2InputAt,
  type PatientValues,
  scoreNews2,
  toNews2Score,
} from './patient-state';
import { evaluateBatteryLow } from './rules/battery-low.rule';
import { DEVICE_OFFLINE_RULE as DEVICE_OFFLINE, evaluateDeviceOffline } from './rules/device-offline.rule';
import { evaluateFall } from './rules/fall.rule';
import { evaluateNews2Band } from './rules/news2-band.rule';
import { evaluateNews2RedScore } from './rules/news2-red-score.rule';
import { evaluateOverdueReading } from './rules/overdue-reading.rule';
import { evaluatePersonalThresholds } from './rules/personal-threshold.rule';
import {
  evaluatePipelineStalled,
  PIPELINE_HYSTERESIS,
  PIPELINE_STALLED_RULE,
} from './rules/pipeline-stalled.rule';
import type { Finding, ReadingContext } from './rules/rule';

/** Tunables of the scorer; every one has a safe default. */
export interface ScorerConfig {
  /** How long a reading counts as current for NEWS2 unless the patient's schedule says otherwise. */
  freshnessMinutes: number;
  /** How far back state is loaded for a patient first seen. */
  stateLookbackHours: number;
  hysteresis: HysteresisPolicy;
  /** Minutes an alert may stay unacknowledged, per severity, before it escalates to the CCC. */
  escalationMinutes: Partial<Record<AlertSeverity, number>>;
  deviceOfflineMinutes: number;
  battery: { lowPercent: number; okPercent: number };
  /** The pipeline counts as stalled when the newest heartbeat is older than this (HZ-01). */
  pipelineStallSeconds: number;
}

export const DEFAULT_SCORER_CONFIG: ScorerConfig = {
  freshnessMinutes: 12 * 60,
  stateLookbackHours: 48,
  hysteresis: { clearMinutes: 15, clearReadings: 3 },
  escalationMinutes: { critical: 5, high: 15, medium: 30, 'low-medium': 60 },
  deviceOfflineMinutes: 60,
  battery: { lowPercent: 20, okPercent: 30 },
  pipelineStallSeconds: 120,
};

/** Where alert, score and pipeline events go (the `alerts.events` stream in production). */
export type AlertsPublisher = (events: readonly AlertsStreamEvent[]) => Promise<void>;

export interface ScorerServiceOptions {
  config?: Partial<ScorerConfig>;
  /** Wall clock; injected so tests never sleep. */
  clock?: () => Date;
}

const MINUTE = 60_000;

/**
 * The hot-path rules engine (SPEC §4). `handleBatch` takes one batch of decoded `vitals.observations`
 * events and, in ONE transaction, stores the observations and NEWS2 scores and updates alert episodes
 * (with their audit rows); only after the commit does it publish the events and resolve, so the stream
 * acknowledges the batch only once its effects are durable. Replaying a batch changes nothing (HZ-04):
 * only the observations actually inserted drive scores and alerts.
 */
export class ScorerService {
  private readonly config: ScorerConfig;
  private readonly clock: () => Date;
  private readonly observations = new ObservationsRepository();
  private readonly scores = new ScoresRepository();
  private readonly alerts = new AlertsRepository();
  private readonly context = new ScoringContextRepository();
  /** Latest value per parameter per patient; filled from the database when a patient is first seen. */
  private readonly state = new Map<string, PatientValues>();
  private pipelineHealthy: boolean | null = null;
  private partitionsCheckedAt = 0;

  constructor(
    private readonly db: SqlDatabase,
    private readonly publish: AlertsPublisher,
    options: ScorerServiceOptions = {},
  ) {
    this.config = { ...DEFAULT_SCORER_CONFIG, ...options.config };
    this.clock = options.clock ?? (() => new Date());
  }

  /** Processes one batch; resolves once stored and published. Returns the events it published. */
  async handleBatch(events: readonly VitalsStreamEvent[]): Promise<AlertsStreamEvent[]> {
    const now = this.clock();
    const byPatient = new Map<string, CanonicalObservation[]>();
    const seenIds = new Set<string>();
    const statuses: DeviceStatusEvent[] = [];
    const heartbeats: PipelineHeartbeatEvent[] = [];
    const readingsSeen = new Map<string, { patientId: string; at: Date }>();
    for (const event of events) {
      switch (event.type) {
        case 'observation': {
          const o = event.observation;
          if (seenIds.has(o.id)) continue;
          seenIds.add(o.id);
          const list = byPatient.get(o.patientId) ?? [];
          list.push(o);
          byPatient.set(o.patientId, list);
          if (o.deviceId) {
            // A reading is a sign of life too (a cuff may never send a heartbeat): platform receipt
            // time, like ingest's heartbeats, so a device clock that is wrong cannot keep it "online".
            const seen = readingsSeen.get(o.deviceId);
            const at = new Date(o.receivedAt);
            if (!seen || seen.at < at) readingsSeen.set(o.deviceId, { patientId: o.patientId, at });
          }
          break;
        }
        case 'device-status':
          statuses.push(event);
          break;
        case 'pipeline-heartbeat':
          heartbeats.push(event);
          break;
      }
    }
    const patientIds = [
      ...new Set([...byPatient.keys(), ...statuses.flatMap((s) => (s.patientId ? [s.patientId] : []))]),
    ];

    const { published, nextState } = await this.db.transaction(async (tx) => {
      const contexts = await this.context.patients(tx, patientIds);
      const nextState = await this.loadState(tx, [...byPatient.keys()], now);
      const book = new EpisodeBook(
        await this.alerts.lockOpenEpisodes(tx, [...contexts.keys()]),
        this.config.hysteresis,
        now,
      );

      // Late readings (older than the newest already held for that patient and parameter) are stored
      // and scored for the record, marked retrospective, and never page (SPEC §3, HZ-07).
      const toStore = [...byPatient.entries()].flatMap(([patientId, list]) => {
        const values = nextState.get(patientId) ?? new Map();
        return list.map((observation) => {
          const newest = values.get(observation.parameter);
          return {
            observation,
            retrospective:
              newest !== undefined && Date.parse(observation.measuredAt) < newest.measuredAt.getTime(),
          };
        });
      });
      const inserted = await this.observations.insertMany(tx, toStore);

      const scoresToStore: ScoreToStore[] = [];
      for (const patientId of byPatient.keys()) {
        const patient = contexts.get(patientId);
        const values = nextState.get(patientId) ?? new Map<Parameter, LatestValue>();
        nextState.set(patientId, values);
        const fresh = toStore.filter(
          (s) => s.observation.patientId === patientId && inserted.has(s.observation.id),
        );
        const current = fresh.filter((s) => !s.retrospective).map((s) => s.observation);
        const late = fresh.filter((s) => s.retrospective).map((s) => s.observation);
        for (const group of groupByTime(current)) {
          const at = new Date(group[0].measuredAt);
          for (const o of group) {
            const held = values.get(o.parameter);
            if (!held || held.measuredAt <= at) values.set(o.parameter, latestOf(o));
          }
          if (!patient) continue;
          const score = group.some((o) => NEWS2_PARAMETERS.has(o.parameter))
            ? this.score(patient, values.values(), at, false, scoresToStore)
            : null;
          if (patient.dischargedAt && patient.dischargedAt <= at) continue;
          const ctx: ReadingContext = { patient, at, readings: group, score };
          for (const finding of clinicalFindings(ctx)) book.apply(patient, finding);
        }
        if (!patient) continue;
        for (const at of [
          ...new Set(late.filter((o) => NEWS2_PARAMETERS.has(o.parameter)).map((o) => o.measuredAt)),
        ]) {
          const when = new Date(at);
          const past = await this.observations.stateAt(tx, patientId, when, this.freshnessMs(patient));
          this.score(patient, past, when, true, scoresToStore);
        }
      }
      const insertedScores = await this.scores.insertMany(tx, scoresToStore);

      await this.context.recordDeviceStatuses(tx, deviceUpdates(statuses, readingsSeen));
      for (const [deviceId, seen] of readingsSeen) {
        const patient = contexts.get(seen.patientId);
        if (patient && !patient.dischargedAt)
          book.apply(patient, { active: false, rule: DEVICE_OFFLINE, subject: deviceId, at: seen.at });
      }
      for (const s of statuses) {
        const patient = s.patientId ? contexts.get(s.patientId) : undefined;
        if (!patient || patient.dischargedAt) continue;
        const at = new Date(s.sentAt);
        const battery = evaluateBatteryLow(s.deviceId, s.battery, at, this.config.battery);
        if (battery) book.apply(patient, battery);
        book.apply(patient, { active: false, rule: DEVICE_OFFLINE, subject: s.deviceId, at });
      }
      await this.context.recordPipelineHeartbeats(
        tx,
        heartbeats.map((h) => ({
          source: h.source,
          heartbeatId: h.heartbeatId,
          emittedAt: new Date(h.emittedAt),
          receivedAt: now,
        })),
      );

      const changes = book.changes();
      await this.alerts.save(tx, changes.save);
      await this.alerts.audit(tx, changes.audits);

      const scoreEvents: ScoreEvent[] = scoresToStore
        .filter((s) => insertedScores.has(`${s.patientId}|${s.score.scoredAt}`))
        .map((s) => ({
          type: 'score.updated',
          patientId: s.patientId,
          wardId: (contexts.get(s.patientId) as PatientScoringContext).wardId,
          score: s.score,
        }));
      const published: AlertsStreamEvent[] = [...changes.events, ...scoreEvents];
      if (heartbeats.length > 0 && this.pipelineHealthy === false) {
        published.push(this.pipelineEvent(true, new Date(heartbeats[heartbeats.length - 1].emittedAt)));
      }
      return { published, nextState };
    });

    // Committed: only now does the in-memory state move on (a rolled-back batch leaves it as it was).
    for (const [patientId, values] of nextState) this.state.set(patientId, values);
    if (heartbeats.length > 0) this.pipelineHealthy = true;
    if (published.length > 0) await this.publish(published);
    return published;
  }

  /**
   * Timers, run from the database so several instances never double-fire: escalates unacknowledged
   * alerts per severity (`SKIP LOCKED`), raises/clears overdue-reading and device-offline alerts (under
   * an advisory lock), raises a technical `pipeline-stalled` alert on every monitored patient and a
   * `pipeline.status` event when the heartbeat stalls and clears both when it flows again (HZ-01), and
   * creates time partitions ahead once a day.
   */
  async runTimers(): Promise<AlertsStreamEvent[]> {
    const now = this.clock();
    const events: AlertsStreamEvent[] = [
      ...(await this.alerts.escalateUnacknowledged(this.db, now, this.config.escalationMinutes)),
    ];
    const lastBeat = await this.context.lastPipelineHeartbeat(this.db);
    events.push(
      ...(await this.db.transaction(async (tx) => {
        if (!(await this.context.tryTimerLock(tx, 'schedule-and-devices'))) return [] as AlertEvent[];
        const scheduled = await this.context.scheduledPatients(tx);
        const devices = await this.context.boundDevices(tx, now);
        const patients = new Map<string, { patientId: string; wardId: string }>();
        for (const p of scheduled) patients.set(p.patientId, p);
        for (const d of devices) patients.set(d.patientId, d);
        const episodes = await this.alerts.lockOpenEpisodes(tx, [...patients.keys()]);
        const isPipeline = (e: { ruleId: string }) => e.ruleId === PIPELINE_STALLED_RULE.id;
        const book = new EpisodeBook(
          episodes.filter((e) => !isPipeline(e)),
          this.config.hysteresis,
          now,
        );
        // Its own book: a pipeline episode clears on the first healthy check (see the rule).
        const pipelineBook = new EpisodeBook(episodes.filter(isPipeline), PIPELINE_HYSTERESIS, now);
        const stall = evaluatePipelineStalled(lastBeat, now, this.config.pipelineStallSeconds);
        if (stall) for (const p of patients.values()) pipelineBook.apply(p, stall);
        const last = await this.observations.lastMeasuredAt(
          tx,
          scheduled.map((p) => p.patientId),
          new Date(now.getTime() - this.config.stateLookbackHours * 60 * MINUTE),
        );
        for (const p of scheduled) {
          const finding = evaluateOverdueReading(p, last.get(p.patientId) ?? new Map(), now);
          if (finding) book.apply(p, finding);
        }
        for (const d of devices)
          book.apply(d, evaluateDeviceOffline(d, now, this.config.deviceOfflineMinutes));
        const changes = book.changes();
        const pipeline = pipelineBook.changes();
        await this.alerts.save(tx, [...changes.save, ...pipeline.save]);
        await this.alerts.audit(tx, [...changes.audits, ...pipeline.audits]);
        return [...changes.events, ...pipeline.events];
      })),
    );
    const healthy =
      lastBeat !== null && now.getTime() - lastBeat.getTime() <= this.config.pipelineStallSeconds * 1000;
    if (lastBeat !== null && healthy !== this.pipelineHealthy) {
      events.push(this.pipelineEvent(healthy, lastBeat));
    }
    if (lastBeat !== null) this.pipelineHealthy = healthy;
    if (now.getTime() - this.partitionsCheckedAt > 24 * 60 * MINUTE) {
      await this.observations.ensurePartitions(this.db, now);
      this.partitionsCheckedAt = now.getTime();
    }
    if (events.length > 0) await this.publish(events);
    return events;
  }

  /** Forget cached state (e.g. when the stream rebalances partitions away from this instance). */
  forgetPatients(patientIds?: readonly string[]): void {
    if (!patientIds) this.state.clear();
    else for (const id of patientIds) this.state.delete(id);
  }

  private async loadState(
    tx: SqlClient,
    patientIds: readonly string[],
    now: Date,
  ): Promise<Map<string, PatientValues>> {
    const out = new Map<string, PatientValues>();
    const missing: string[] = [];
    for (const id of patientIds) {
      const cached = this.state.get(id);
      if (cached) out.set(id, new Map(cached));
      else missing.push(id);
    }
    const since = new Date(now.getTime() - this.config.stateLookbackHours * 60 * MINUTE);
    for (const v of await this.observations.latestPerParameter(tx, missing, since)) {
      const values = out.get(v.patientId) ?? new Map<Parameter, LatestValue>();
      values.set(v.parameter, v);
      out.set(v.patientId, values);
    }
    for (const id of missing) if (!out.has(id)) out.set(id, new Map());
    return out;
  }

  private freshnessMs(patient: PatientScoringContext): number {
    return (patient.monitoring.freshnessMinutes ?? this.config.freshnessMinutes) * MINUTE;
  }

  private score(
    patient: PatientScoringContext,
    values: Iterable<LatestValue>,
    at: Date,
    retrospective: boolean,
    out: ScoreToStore[],
  ): ReturnType<typeof scoreNews2> | null {
    const { input, observationIds } = news2InputAt(values, at, this.freshnessMs(patient), patient.spo2Scale);
    if (observationIds.length === 0) return null;
    const result = scoreNews2(input);
    out.push({
      patientId: patient.patientId,
      score: toNews2Score(result, at, patient.spo2Scale, retrospective),
      observationIds,
    });
    return result;
  }

  private pipelineEvent(healthy: boolean, lastHeartbeatAt: Date | null): AlertsStreamEvent {
    return {
      type: 'pipeline.status',
      healthy,
      lastHeartbeatAt: lastHeartbeatAt?.toISOString() ?? null,
      detail: healthy
        ? 'Pipeline heartbeat flowing.'
        : `No pipeline heartbeat for more than ${this.config.pipelineStallSeconds} seconds: alerts may be delayed.`,
    };
  }
}

function clinicalFindings(ctx: ReadingContext): Finding[] {
  return [
    ...evaluateFall(ctx),
    ...evaluateNews2Band(ctx),
    ...evaluateNews2RedScore(ctx),
    ...evaluatePersonalThresholds(ctx),
  ];
}

/** New readings grouped by event time, oldest first. */
function groupByTime(list: readonly CanonicalObservation[]): CanonicalObservation[][] {
  const groups = new Map<number, CanonicalObservation[]>();
  for (const o of list) {
    const t = Date.parse(o.measuredAt);
    const g = groups.get(t) ?? [];
    g.push(o);
    groups.set(t, g);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
}

function latestOf(o: CanonicalObservation): LatestValue {
  return {
    patientId: o.patientId,
    parameter: o.parameter,
    observationId: o.id,
    value: o.value,
    valueCode: o.valueCode,
    measuredAt: new Date(o.measuredAt),
  };
}

/**
 * One update per device: `UPDATE … FROM unnest(…)` applies only one of several rows that match the same
 * device, so heartbeats and readings of one device in a batch are merged here first (latest wins).
 */
function deviceUpdates(
  statuses: readonly DeviceStatusEvent[],
  readingsSeen: ReadonlyMap<string, { at: Date }>,
): DeviceStatusUpdate[] {
  const merged = new Map<string, DeviceStatusUpdate>();
  const ordered = [...statuses].sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
  for (const s of ordered) {
    const prev = merged.get(s.deviceId);
    const seenAt = new Date(s.sentAt);
    merged.set(s.deviceId, {
      deviceId: s.deviceId,
      seenAt: prev && prev.seenAt > seenAt ? prev.seenAt : seenAt,
      battery: s.battery ?? prev?.battery ?? null,
      signalDbm: s.signalDbm ?? prev?.signalDbm ?? null,
      firmware: s.firmware ?? prev?.firmware ?? null,
    });
  }
  for (const [deviceId, { at }] of readingsSeen) {
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
