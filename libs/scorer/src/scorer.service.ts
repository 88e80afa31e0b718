import { Logger } from '@nestjs/common';
import {
  type AlertChanges,
  type AlertingPolicy,
  type AlertingPolicyOverrides,
  type AlertRecord,
  alertingPolicy,
  type ClinicalState,
  decideReadingReminders,
  decideReadings,
  decideTimers,
  earliestTimerMinutes,
  EpisodeBook,
  freshnessMinutes,
  evaluateDeviceOffline,
  evaluateOverdueReading,
  evaluatePipelineStalled,
  PIPELINE_HYSTERESIS,
  PIPELINE_STALLED_RULE,
  type ReadingsDecision,
  retrospectiveIds,
  scoreAt,
  scoreEvents,
  splitBatch,
  toNews2Score,
  type VitalsBatch,
} from '@vigil/alerting';
import type { AlertsStreamEvent, DeviceCommand, Parameter, VitalsStreamEvent } from '@vigil/contracts';
import {
  AlertsRepository,
  DeviceCommandsRepository,
  type DeviceCommandToStore,
  type LatestValue,
  ObservationsRepository,
  OutboxRepository,
  type PatientScoringContext,
  ScoresRepository,
  type ScoreToStore,
  ScoringContextRepository,
  type SqlClient,
  type SqlDatabase,
  type SqlTransaction,
} from '@vigil/storage';

/** Tunables of the scorer: the alerting policy, and how far back the overdue timer looks. */
export type ScorerConfig = AlertingPolicy & { stateLookbackHours: number };

export const DEFAULT_SCORER_CONFIG: ScorerConfig = { ...alertingPolicy(), stateLookbackHours: 48 };

/** Where alert, score and pipeline events go (the `alerts.events` stream in production). */
export type AlertsPublisher = (events: readonly AlertsStreamEvent[]) => Promise<void>;

/** Where device commands go (the `devices.commands` stream, which ingest publishes to MQTT). */
export type DeviceCommandsPublisher = (commands: readonly DeviceCommand[]) => Promise<void>;

export interface ScorerServiceOptions {
  config?: AlertingPolicyOverrides & { stateLookbackHours?: number };
  /**
   * Issue 13: reading reminders to devices are decided by the schedule timer and published here. Without
   * it no reminder is decided (tests that drive the scorer alone).
   */
  publishCommands?: DeviceCommandsPublisher;
  /** Wall clock; injected so tests never sleep. */
  clock?: () => Date;
  /**
   * How long outbox rows of published events may wait for the next batch's transaction to mark them before they
   * are marked in a statement of their own (default {@link MARK_PUBLISHED_DELAY_MS}).
   */
  markPublishedDelayMs?: number;
}

const MINUTE = 60_000;
const absorbedLogger = new Logger('scorer');

/** How long an event may sit unpublished in the outbox before the relay sends it. */
export const OUTBOX_GRACE_MS = 10_000;

/**
 * Published events' outbox rows are marked in the next batch's transaction, or after this long alone when no batch
 * comes (issue 11: about 4 transactions a second at 1,000 readings/s were these marks). Well inside
 * {@link OUTBOX_GRACE_MS}, and the relay marks what is waiting before it looks, so nothing is sent twice for it.
 */
export const MARK_PUBLISHED_DELAY_MS = 1000;

/** What one batch's transaction read. */
interface Loaded {
  patients: Map<string, PatientScoringContext>;
  states: Map<string, ClinicalState>;
  episodes: AlertRecord[];
}

/**
 * The hot-path shell around `@vigil/alerting` (SPEC §4): load → decide (pure) → save → publish. One
 * transaction per batch stores the observations, scores and alert changes with their audit rows; only
 * after the commit does it publish and resolve, so the stream acknowledges a batch only once its effects
 * are durable. Replaying a batch changes nothing (HZ-04): only observations inserted now are decided on.
 */
export class ScorerService {
  private readonly config: ScorerConfig;
  private readonly clock: () => Date;
  private readonly observations = new ObservationsRepository();
  private readonly scores = new ScoresRepository();
  private readonly alerts = new AlertsRepository();
  private readonly context = new ScoringContextRepository();
  private readonly outbox = new OutboxRepository();
  private readonly commands = new DeviceCommandsRepository();
  private readonly publishCommands: DeviceCommandsPublisher | null;
  /** Each patient's state in event time; loaded from the database when a patient is first seen. */
  private readonly state = new Map<string, ClinicalState>();
  private pipelineHealthy: boolean | null = null;
  /** A publish failed since the last relay: events wait in the outbox. */
  private outboxBacklog = false;
  private partitionsCheckedAt = 0;
  /** Outbox ids published and not yet marked (see {@link MARK_PUBLISHED_DELAY_MS}). */
  private unmarked: string[] = [];
  private markTimer: NodeJS.Timeout | null = null;
  private readonly markDelayMs: number;

  constructor(
    private readonly db: SqlDatabase,
    private readonly publish: AlertsPublisher,
    options: ScorerServiceOptions = {},
  ) {
    this.config = {
      ...alertingPolicy(options.config),
      stateLookbackHours: options.config?.stateLookbackHours ?? DEFAULT_SCORER_CONFIG.stateLookbackHours,
    };
    this.clock = options.clock ?? (() => new Date());
    this.publishCommands = options.publishCommands ?? null;
    this.markDelayMs = options.markPublishedDelayMs ?? MARK_PUBLISHED_DELAY_MS;
  }

  /** Processes one batch; resolves once stored and published. Returns the events it published. */
  async handleBatch(events: readonly VitalsStreamEvent[]): Promise<AlertsStreamEvent[]> {
    const now = this.clock();
    const batch = splitBatch(events);
    // The marks of events published since the last batch ride on this transaction (none of their own).
    const marks = this.takeUnmarked();
    const { decision, published, outboxIds } = await this.db
      .transaction(
        async (tx) => {
          // Statements issued together share a round trip (SqlTransaction): BEGIN, the marks and the reads go as
          // one, the observations as one, and the writes with the COMMIT as one (issue 11: seven before).
          const [, loaded] = await Promise.all([
            this.outbox.markPublished(tx, marks, now),
            this.load(tx, batch),
          ]);
          // R11, and R7 on arrival: a reading older than the patient's freshness window when it arrives (a
          // store-and-forward backlog) is stored flagged retrospective, as its score is, and pages nothing.
          const late = retrospectiveIds(loaded.states, batch.observations, {
            now,
            patients: loaded.patients,
            freshnessMinutes: this.config.freshnessMinutes,
          });
          const inserted = await this.observations.insertMany(
            tx,
            batch.observations.map((observation) => ({
              observation,
              retrospective: late.has(observation.id),
            })),
          );
          const skipped = batch.observations.filter((o) => !inserted.has(o.id));
          if (skipped.length > 0) {
            // Never silently: a reading absorbed because another message already holds its (device, parameter,
            // time) is logged with both ids (SPEC §3 dedupe; a replay of the same id is not).
            const held = await this.observations.heldUnderOtherIds(tx, skipped);
            if (held.size > 0) {
              const [id, holder] = held.entries().next().value as [string, string];
              absorbedLogger.warn(
                `${held.size} observation(s) not stored: another observation holds the same device, parameter and time (e.g. ${id}, held as ${holder})`,
              );
            }
          }
          const decision = decideReadings({
            ...loaded,
            now,
            policy: this.config,
            observations: batch.observations.filter((o) => inserted.has(o.id)),
            statuses: batch.statuses,
          });
          const { published, outboxIds } = await this.save(tx, batch, loaded, decision, now);
          return { decision, published, outboxIds };
        },
        { beginWithFirstStatements: true },
      )
      .catch((error: unknown) => {
        this.queueUnmarked(marks);
        // The batch may have committed all the same (the connection lost while the COMMIT's answer was awaited):
        // its patients' states are read afresh from the database, never left behind what it holds.
        this.forgetPatients(batch.patientIds);
        throw error;
      });
    // Committed: only now does the in-memory state move on (a rolled-back batch leaves it as it was).
    for (const [patientId, s] of decision.states) this.state.set(patientId, s);
    if (batch.heartbeats.length > 0) this.pipelineHealthy = true;
    await this.publishCommitted(published, outboxIds);
    return published;
  }

  /**
   * The batch is durable and its events are in the outbox: a failed publish is the relay's to retry
   * (`relayOutbox`), never a reason to redeliver the batch (which would find nothing new to say).
   */
  private async publishCommitted(
    events: readonly AlertsStreamEvent[],
    outboxIds: readonly string[],
  ): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.publish(events);
    } catch {
      this.outboxBacklog = true;
      return;
    }
    this.queueUnmarked(outboxIds);
  }

  private takeUnmarked(): string[] {
    const ids = this.unmarked;
    this.unmarked = [];
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = null;
    return ids;
  }

  /** Queues ids to mark; `arm`: and make sure a timer marks them if no batch comes. */
  private queueUnmarked(ids: readonly string[], arm = true): void {
    if (ids.length === 0) return;
    this.unmarked.push(...ids);
    if (this.markTimer || !arm) return;
    this.markTimer = setTimeout(
      () =>
        void this.markPublished().catch((error: unknown) =>
          absorbedLogger.warn(
            `could not mark published outbox events (the next batch or relay will): ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
      this.markDelayMs,
    );
    this.markTimer.unref();
  }

  /**
   * Marks the outbox rows of events published and not yet marked, in a statement of their own: when no batch came
   * to carry them, before the relay looks, and at shutdown. A failed mark is queued again (at worst the relay sends
   * the event a second time, which consoles absorb); no timer is armed for it, so a database that is away is not
   * asked every second: the next batch or relay carries it.
   */
  async markPublished(): Promise<void> {
    const ids = this.takeUnmarked();
    try {
      await this.outbox.markPublished(this.db, ids, this.clock());
    } catch (error) {
      this.queueUnmarked(ids, false);
      throw error;
    }
  }

  /**
   * Publishes outbox events left unpublished for longer than {@link OUTBOX_GRACE_MS} — those of a scorer
   * that died after its commit, or whose publish failed — and marks them, in one transaction with the rows
   * locked (`SKIP LOCKED`): at least once, never lost. Returns how many it sent.
   */
  async relayOutbox(): Promise<number> {
    // Published already, only not marked yet: not the relay's to send again.
    await this.markPublished();
    const now = this.clock();
    const sent = await this.db.transaction(async (tx) => {
      const entries = await this.outbox.lockUnpublished(tx, new Date(now.getTime() - OUTBOX_GRACE_MS));
      if (entries.length === 0) return 0;
      await this.publish(entries.map((e) => e.event));
      await this.outbox.markPublished(
        tx,
        entries.map((e) => e.id),
        now,
      );
      return entries.length;
    });
    this.outboxBacklog = false;
    await this.outbox.purgePublished(this.db, new Date(now.getTime() - 24 * 60 * MINUTE));
    return sent;
  }

  /**
   * The batch's patients (share-locked), their clinical states (from memory, or read for a patient not seen yet)
   * and their open episodes (locked): issued together, in the discharge's lock order (patients, then alerts).
   */
  private async load(tx: SqlClient, batch: VitalsBatch): Promise<Loaded> {
    const [patients, states, episodes] = await Promise.all([
      this.context.patients(tx, batch.patientIds),
      this.loadStates(tx, [...new Set(batch.observations.map((o) => o.patientId))]),
      this.alerts.lockOpenEpisodes(tx, batch.patientIds),
    ]);
    return { patients, states, episodes };
  }

  /**
   * Stores the decision — scores, devices' last-seen, heartbeats, alert changes with their audit rows, and the
   * outbox rows of the events that must reach consoles — and commits, all in one round trip. Returns what to
   * publish once committed.
   */
  private async save(
    tx: SqlTransaction,
    batch: VitalsBatch,
    loaded: Loaded,
    decision: ReadingsDecision,
    now: Date,
  ): Promise<{ published: AlertsStreamEvent[]; outboxIds: string[] }> {
    const late = await this.lateScores(tx, loaded.patients, decision.lateScoreTimes);
    const last = batch.heartbeats.at(-1);
    // Alert and pipeline events go through the outbox (at least once, HZ-04). Score updates do not: they
    // announce a score already stored, consoles refetch on reconnect, and a clinically meaningful change
    // comes with an alert event — so the hot path does not write, mark and purge an outbox row per reading.
    const recovered =
      last && this.pipelineHealthy === false ? [this.pipelineEvent(true, new Date(last.emittedAt))] : [];
    const durable = [...decision.alerts.events, ...recovered];
    // Issued in this order, one behind the other: an audit row after its episode, COMMIT last.
    const writes = Promise.all([
      this.scores.insertMany(tx, [...decision.scores, ...late]),
      this.context.recordDeviceStatuses(tx, decision.devices),
      this.context.recordPipelineHeartbeats(
        tx,
        batch.heartbeats.map((h) => ({ ...h, emittedAt: new Date(h.emittedAt), receivedAt: now })),
      ),
      this.alerts.save(tx, decision.alerts.save),
      this.alerts.audit(tx, decision.alerts.audits),
      this.outbox.add(tx, durable, now),
    ]);
    const [[stored, , , , , outboxIds]] = await Promise.all([writes, tx.commit(writes)]);
    const scores = scoreEvents([...decision.scores, ...late], stored, loaded.patients);
    return { published: [...decision.alerts.events, ...scores, ...recovered], outboxIds };
  }

  private async saveAlerts(tx: SqlClient, changes: AlertChanges): Promise<void> {
    await this.alerts.save(tx, changes.save);
    await this.alerts.audit(tx, changes.audits);
  }

  /** Retrospective NEWS2 readings are scored at their own event time, for the record; they never page. */
  private async lateScores(
    tx: SqlClient,
    patients: ReadonlyMap<string, PatientScoringContext>,
    times: readonly { patientId: string; at: Date }[],
  ): Promise<ScoreToStore[]> {
    const out: ScoreToStore[] = [];
    for (const { patientId, at } of times) {
      const patient = patients.get(patientId);
      if (!patient) continue;
      const window = freshnessMinutes(patient.monitoring, this.config.freshnessMinutes) * MINUTE;
      const past = stateOf(await this.observations.stateAt(tx, patientId, at, window));
      const score = scoreAt(past, patient, at, this.config.freshnessMinutes);
      if (score) {
        const stored = toNews2Score(score, patient.spo2Scale, true);
        out.push({ patientId, score: stored, observationIds: score.observationIds });
      }
    }
    return out;
  }

  /**
   * Timers, run from the database so several instances never double-fire: escalation of unacknowledged
   * alerts and re-prompting of acknowledged ones whose cause persists (alerting's `decideTimers`, on
   * rows taken with `SKIP LOCKED`); overdue-reading and device-offline alerts (under an advisory lock); a
   * technical `pipeline-stalled` alert on every monitored patient and a `pipeline.status` event when the
   * heartbeat stalls, cleared when it flows again (HZ-01); time partitions ahead once a day.
   */
  async runTimers(): Promise<AlertsStreamEvent[]> {
    const now = this.clock();
    const lastBeat = await this.context.lastPipelineHeartbeat(this.db);
    // Each timer's events go to the outbox in the transaction that made them (never lost to a crash).
    const withOutbox = async (decide: (tx: SqlClient) => Promise<AlertsStreamEvent[]>) =>
      this.db.transaction(async (tx) => {
        const made = await decide(tx);
        return { made, ids: await this.outbox.add(tx, made, now) };
      });
    const escalations = await withOutbox(async (tx) => {
      const due = await this.alerts.lockTimerCandidates(tx, now, earliestTimerMinutes(this.config));
      const timers = decideTimers(due, now, this.config);
      await this.saveAlerts(tx, timers);
      return timers.events;
    });
    let reminders: DeviceCommand[] = [];
    const scheduled = await withOutbox(async (tx) => {
      const made = await this.scheduleAndDevices(tx, now, lastBeat);
      reminders = made.commands;
      return made.events;
    });
    const events = [...escalations.made, ...scheduled.made];
    await this.publishCommitted(events, [...escalations.ids, ...scheduled.ids]);
    await this.publishDeviceCommands(reminders);
    const healthy =
      lastBeat !== null && now.getTime() - lastBeat.getTime() <= this.config.pipelineStallSeconds * 1000;
    if (lastBeat !== null && healthy !== this.pipelineHealthy) {
      const status = this.pipelineEvent(healthy, lastBeat);
      await this.publish([status]);
      events.push(status);
    }
    if (lastBeat !== null) this.pipelineHealthy = healthy;
    if (now.getTime() - this.partitionsCheckedAt > 24 * 60 * MINUTE) {
      await this.observations.ensurePartitions(this.db, now);
      this.partitionsCheckedAt = now.getTime();
    }
    await this.relayOutbox();
    await this.relayDeviceCommands();
    return events;
  }

  /** Commands stored by a committed timer: a failed publish is left to {@link relayDeviceCommands}. */
  private async publishDeviceCommands(commands: readonly DeviceCommand[]): Promise<void> {
    if (!this.publishCommands || commands.length === 0) return;
    try {
      await this.publishCommands(commands);
      await this.commands.markPublished(
        this.db,
        commands.map((c) => c.commandId),
        this.clock(),
      );
    } catch {
      // Stored unpublished: the relay sends it on a later tick.
    }
  }

  /**
   * Publishes device commands left unpublished for longer than {@link OUTBOX_GRACE_MS} (a failed publish, a
   * scorer that died after its commit), rows locked (`SKIP LOCKED`). Returns how many it sent.
   */
  async relayDeviceCommands(): Promise<number> {
    const publish = this.publishCommands;
    if (!publish) return 0;
    const now = this.clock();
    const sent = await this.db.transaction(async (tx) => {
      const pending = await this.commands.lockUnpublished(tx, new Date(now.getTime() - OUTBOX_GRACE_MS));
      if (pending.length === 0) return 0;
      await publish(pending);
      await this.commands.markPublished(
        tx,
        pending.map((c) => c.commandId),
        now,
      );
      return pending.length;
    });
    // A week of reminders is kept as the record of what each patient was asked; a reading still not taken a
    // week after its reminder is reminded again once the old row is gone (the overdue alert fired long before).
    await this.commands.purgePublished(this.db, new Date(now.getTime() - 7 * 24 * 60 * MINUTE));
    return sent;
  }

  /** Whether events are waiting in the outbox after a failed publish (for health and metrics). */
  hasOutboxBacklog(): boolean {
    return this.outboxBacklog;
  }

  private async scheduleAndDevices(
    tx: SqlClient,
    now: Date,
    lastBeat: Date | null,
  ): Promise<{ events: AlertsStreamEvent[]; commands: DeviceCommand[] }> {
    if (!(await this.context.tryTimerLock(tx, 'schedule-and-devices'))) return { events: [], commands: [] };
    const scheduled = await this.context.scheduledPatients(tx);
    const devices = await this.context.boundDevices(tx, now);
    const patients = new Map<string, { patientId: string; wardId: string }>();
    for (const p of [...scheduled, ...devices]) patients.set(p.patientId, p);
    const episodes = await this.alerts.lockOpenEpisodes(tx, [...patients.keys()]);
    const isPipeline = (e: { ruleId: string }) => e.ruleId === PIPELINE_STALLED_RULE.id;
    const book = new EpisodeBook(
      episodes.filter((e) => !isPipeline(e)),
      this.config,
      now,
    );
    // Its own book: a pipeline episode clears on the first healthy check (see the rule).
    const pipelineBook = new EpisodeBook(
      episodes.filter(isPipeline),
      { ...this.config, hysteresis: PIPELINE_HYSTERESIS },
      now,
    );
    const last = await this.observations.lastMeasuredAt(
      tx,
      [...patients.keys()],
      new Date(now.getTime() - this.config.stateLookbackHours * 60 * MINUTE),
    );
    const stall = evaluatePipelineStalled(lastBeat, now, this.config.pipelineStallSeconds);
    if (stall) {
      for (const p of patients.values()) {
        // The alert's "last reading" is the patient's own newest reading, not the tick that found the stall.
        const newest = [...(last.get(p.patientId)?.values() ?? [])].reduce<Date | null>(
          (a, b) => (a && a > b ? a : b),
          null,
        );
        pipelineBook.apply(p, stall.active ? { ...stall, lastReadingAt: newest } : stall);
      }
    }
    const reminders: DeviceCommandToStore[] = [];
    for (const p of scheduled) {
      const measured = last.get(p.patientId) ?? new Map<string, Date>();
      const finding = evaluateOverdueReading(p, measured, now);
      if (finding) book.apply(p, finding);
      if (this.publishCommands) {
        // Issue 13: the same schedule reminds the patient's devices of each reading due (ADR 0006).
        const bound = devices.flatMap((d) =>
          d.patientId === p.patientId && d.kind ? [{ deviceId: d.deviceId, kind: d.kind }] : [],
        );
        reminders.push(...decideReadingReminders(p, measured, bound, now));
      }
    }
    for (const d of devices) book.apply(d, evaluateDeviceOffline(d, now, this.config.deviceOfflineMinutes));
    const changes = book.changes();
    const pipeline = pipelineBook.changes();
    await this.saveAlerts(tx, {
      save: [...changes.save, ...pipeline.save],
      audits: [...changes.audits, ...pipeline.audits],
      events: [],
    });
    // Stored once by id: a reminder decided again on a later tick is not sent again.
    const commands = await this.commands.addNew(
      tx,
      reminders.map((r) => ({ patientId: r.patientId, command: r.command })),
      now,
    );
    return { events: [...changes.events, ...pipeline.events], commands };
  }

  /** Forget cached state (e.g. when the stream rebalances partitions away from this instance). */
  forgetPatients(patientIds?: readonly string[]): void {
    if (!patientIds) this.state.clear();
    else for (const id of patientIds) this.state.delete(id);
  }

  /** Cached states, else each patient's newest value of every parameter, however old (R11). */
  private async loadStates(
    tx: SqlClient,
    patientIds: readonly string[],
  ): Promise<Map<string, ClinicalState>> {
    const out = new Map<string, ClinicalState>();
    const missing = patientIds.filter((id) => {
      const cached = this.state.get(id);
      if (cached) out.set(id, cached);
      return !cached;
    });
    const loaded = await this.observations.latestPerParameter(tx, missing, null);
    for (const id of missing) out.set(id, stateOf(loaded.filter((v) => v.patientId === id)));
    return out;
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

function stateOf(values: readonly LatestValue[]): ClinicalState {
  return new Map<Parameter, LatestValue>(values.map((v) => [v.parameter, v]));
}
