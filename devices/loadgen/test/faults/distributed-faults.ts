import type { DistributedSystem } from './distributed-system';
import type { FaultContext } from './fault-harness';
import type { FaultEvidence } from './faults';
import { metricSum, type ServiceProcess } from './service-process';
import { sleep } from './wait';

/**
 * The faults of the distributed mode, each injected part-way through a round's load on a system of its own
 * (private Kafka, Mosquitto and database proxy): each returns what the platform showed of it and what it
 * did — how long until every device's readings were being stored again, the consumer lag it built up.
 */
type Ctx = FaultContext<DistributedSystem>;

const OBSERVATIONS = 'topic="vitals.observations"';
const LAG = 'vigil_stream_consumer_lag_records';
const OLDEST = 'vigil_stream_consumer_oldest_pending_seconds';
const ASSIGNED = 'vigil_stream_consumer_assigned_partitions';
const MQTT_CONNECTS = 'vigil_ingest_mqtt_connects_total';

/** Health status counts per service, probed every 250 ms until `stop` resolves. */
function probeHealth(services: ServiceProcess[], stop: Promise<unknown>) {
  const counts: Record<string, Record<number, number>> = {};
  let done = false;
  void stop.finally(() => (done = true));
  const loop = (async () => {
    while (!done) {
      await Promise.all(
        services.map(async (s) => {
          const status = await s.healthStatus();
          const c = (counts[s.name] ??= {});
          c[status] = (c[status] ?? 0) + 1;
        }),
      );
      await sleep(250);
    }
  })();
  return {
    counts,
    finished: loop,
    /** Services that answered anything but 200 at least once (not counting "down": a killed process). */
    unhealthy: () =>
      Object.entries(counts)
        .filter(([, c]) => Object.keys(c).some((s) => s !== '200' && s !== '0'))
        .map(([name]) => name),
  };
}

/** The highest scorer lag and oldest-pending age on `vitals.observations`, sampled until `stop` resolves. */
function sampleScorerLag(scorers: ServiceProcess[], stop: Promise<unknown>) {
  const peak = { lagRecords: 0, oldestPendingSeconds: 0, assignedPartitions: 0, samples: 0 };
  let done = false;
  void stop.finally(() => (done = true));
  const loop = (async () => {
    while (!done) {
      for (const s of scorers) {
        const m = await s.metrics();
        if (m.size === 0) continue;
        peak.samples += 1;
        peak.lagRecords = Math.max(peak.lagRecords, metricSum(m, LAG, OBSERVATIONS));
        peak.oldestPendingSeconds = Math.max(peak.oldestPendingSeconds, metricSum(m, OLDEST, OBSERVATIONS));
        peak.assignedPartitions = Math.max(peak.assignedPartitions, metricSum(m, ASSIGNED, OBSERVATIONS));
      }
      await sleep(250);
    }
  })();
  return { peak, finished: loop };
}

/**
 * Waits until every device of the round has more readings stored than at `since` (its readings flow again:
 * its partition has a consumer, the broker and the database answer). Resolves with the ms it took from
 * `fromMs`, or null when some device had not moved after `timeoutMs`.
 */
async function everyDeviceProgressed(
  ctx: Ctx,
  since: Map<string, number>,
  fromMs: number,
  timeoutMs: number,
): Promise<number | null> {
  const ids = [...since.keys()];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await ctx.env.db.storedCountsByDevice(ids).catch(() => null);
    if (now && ids.every((id) => (now.get(id) ?? 0) > (since.get(id) ?? 0))) return Date.now() - fromMs;
    await sleep(200);
  }
  return null;
}

/**
 * Every device's stored count now. Only devices with readings still to come are watched: a device whose
 * every reading is already stored cannot show progress.
 */
async function storedNow(ctx: Ctx): Promise<Map<string, number>> {
  const ids = ctx.history.toJSON().devices.map((d) => d.deviceId);
  const counts = await ctx.env.db.storedCountsByDevice(ids);
  return new Map(ids.map((id) => [id, counts.get(id) ?? 0]));
}

/**
 * kill -9 of one scorer while it is consuming (mid-batch: the load keeps every partition busy); the other
 * must take its partitions over once the group notices (the session timeout) and score what the dead one
 * had fetched but not committed — exactly once.
 */
export async function killScorer(ctx: Ctx, fraction: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  const [victim, survivor] = env.system.scorers;
  await ctx.at(fraction);
  const before = await victim.metrics();
  const lastBatch = metricSum(before, 'vigil_stream_consumer_last_batch_records', OBSERVATIONS);
  const assignedBefore = metricSum(await survivor.metrics(), ASSIGNED, OBSERVATIONS);
  const killedAt = Date.now();
  history.fault('scorer-sigkill', 'start', `${victim.name} pid ${victim.pid}, last batch ${lastBatch}`);
  await victim.kill();
  // Counted once the victim is gone: what it stored between the count and its death is not the survivor's
  // progress (a fast victim can store a reading of every device in that gap).
  const since = await storedNow(ctx);
  const recovered = everyDeviceProgressed(ctx, since, killedAt, 120_000);
  const lag = sampleScorerLag([survivor], recovered);
  const health = probeHealth([survivor, ...env.system.ingests], recovered);
  const recoveredMs = await recovered;
  await Promise.all([lag.finished, health.finished]);
  history.fault('scorer-sigkill', 'end', `every device stored again ${recoveredMs} ms after the kill`);
  return {
    fault: 'scorer-sigkill',
    // The survivor shows the partitions it took over: its assignment grows, and its lag metric shows the
    // dead one's backlog while it works through it (the batches may drain it between two samples).
    signal:
      lag.peak.assignedPartitions > assignedBefore
        ? `${ASSIGNED}{${OBSERVATIONS}} on ${survivor.name} went from ${assignedBefore} to ${lag.peak.assignedPartitions}` +
          (lag.peak.lagRecords > 0 ? `; ${LAG} peaked at ${lag.peak.lagRecords}` : '')
        : lag.peak.lagRecords > 0
          ? `${LAG}{${OBSERVATIONS}} on ${survivor.name} peaked at ${lag.peak.lagRecords}`
          : null,
    detail: {
      victimLastBatchRecords: lastBatch,
      everyDeviceStoredAgainAfterMs: recoveredMs,
      survivorPeakLagRecords: lag.peak.lagRecords,
      survivorAssignedPartitions: { before: assignedBefore, peak: lag.peak.assignedPartitions },
      survivorPeakOldestPendingSeconds: lag.peak.oldestPendingSeconds,
      health: health.counts,
    },
  };
}

/** A clean stop and start of the Kafka broker (same port and log): ingest and scorers must ride it out. */
export async function restartKafka(ctx: Ctx, fraction: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  await ctx.at(fraction);
  const since = await storedNow(ctx);
  const stoppedAt = Date.now();
  let restarted: () => void = () => undefined;
  const restartDone = new Promise<void>((r) => (restarted = r));
  const lag = sampleScorerLag(env.system.scorers, restartDone);
  const health = probeHealth([...env.system.scorers, ...env.system.ingests], restartDone);
  history.fault('kafka-restart', 'start', `pid ${env.system.kafka.pid()}`);
  const times = await env.system.kafka.restart(env.scale.downMs);
  history.fault('kafka-restart', 'end', `pid ${env.system.kafka.pid()}`);
  const backAt = Date.now();
  const recoveredMs = await everyDeviceProgressed(ctx, since, stoppedAt, 120_000);
  restarted();
  await Promise.all([lag.finished, health.finished]);
  const unhealthy = health.unhealthy();
  return {
    fault: 'kafka-restart',
    signal: unhealthy.length > 0 ? `/health not 200 on ${unhealthy.join(', ')}` : null,
    detail: {
      ...times,
      brokerUnavailableMs: backAt - stoppedAt,
      everyDeviceStoredAgainAfterMs: recoveredMs,
      afterBrokerBackMs: recoveredMs === null ? null : recoveredMs - (backAt - stoppedAt),
      peakLagRecords: lag.peak.lagRecords,
      peakOldestPendingSeconds: lag.peak.oldestPendingSeconds,
      health: health.counts,
    },
  };
}

/** A clean stop and start of Mosquitto (persistence on): both ingest instances must resume their sessions. */
export async function restartMosquittoDistributed(ctx: Ctx, fraction: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  await ctx.at(fraction);
  const connects = async () => {
    let n = 0;
    for (const s of env.system.ingests) n += metricSum(await s.metrics(), MQTT_CONNECTS);
    return n;
  };
  const connectsBefore = await connects();
  const since = await storedNow(ctx);
  const stoppedAt = Date.now();
  history.fault('mosquitto-restart', 'start', `pid ${env.mosquitto.pid()}`);
  await env.mosquitto.restart(env.scale.downMs);
  history.fault('mosquitto-restart', 'end', `pid ${env.mosquitto.pid()}`);
  let connectsAfter = connectsBefore;
  for (let i = 0; i < 100 && connectsAfter < connectsBefore + env.system.ingests.length; i += 1) {
    await sleep(200);
    connectsAfter = await connects();
  }
  const recoveredMs = await everyDeviceProgressed(ctx, since, stoppedAt, 120_000);
  return {
    fault: 'mosquitto-restart',
    signal:
      connectsAfter >= connectsBefore + env.system.ingests.length
        ? `${MQTT_CONNECTS} (both ingests) moved from ${connectsBefore} to ${connectsAfter}`
        : null,
    detail: { connectsBefore, connectsAfter, everyDeviceStoredAgainAfterMs: recoveredMs },
  };
}

/**
 * PostgreSQL unreachable for `ms` from every service: the proxy between them and the server resets every
 * open connection and refuses new ones, then lets them through again. The server itself runs on.
 */
export async function cutDatabaseProxy(ctx: Ctx, fraction: number, ms: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  const proxy = env.system.databaseProxy;
  await ctx.at(fraction);
  const since = await storedNow(ctx);
  const cutAt = Date.now();
  history.fault('postgres-cut', 'start', `${ms} ms through the proxy`);
  const reset = proxy.cut();
  const window = sleep(ms);
  const health = probeHealth([...env.system.ingests, ...env.system.scorers, ...env.system.apis], window);
  await window;
  proxy.restore();
  await health.finished;
  history.fault('postgres-cut', 'end', `${reset} connections reset, ${proxy.stats().refused} refused`);
  const restoredAt = Date.now();
  const recoveredMs = await everyDeviceProgressed(ctx, since, cutAt, 120_000);
  const unhealthy = health.unhealthy();
  return {
    fault: 'postgres-cut',
    signal: unhealthy.length > 0 ? `/health 503 on ${unhealthy.join(', ')}` : null,
    detail: {
      connectionsReset: reset,
      connectionsRefused: proxy.stats().refused,
      cutMs: restoredAt - cutAt,
      everyDeviceStoredAgainAfterMs: recoveredMs,
      afterRestoreMs: recoveredMs === null ? null : recoveredMs - (restoredAt - cutAt),
      health: health.counts,
    },
  };
}

/**
 * No fault: watches where a reading's time goes in the distributed pipeline — when the ingests had handled
 * every message (`vigil_ingest_messages_total`, both instances: each receives every message) and when every
 * reading was stored — so the delays of the fault rounds have a reference.
 */
export async function observePipeline(ctx: Ctx): Promise<FaultEvidence> {
  const { env } = ctx;
  const devices = ctx.history.toJSON().devices.map((d) => d.deviceId);
  const total = devices.length * env.scale.messagesPerDevice;
  const startedAt = ctx.loadStartMs;
  let ingestDoneMs: number | null = null;
  let storedDoneMs: number | null = null;
  let peakLag = 0;
  const deadline = startedAt + ctx.loadMs + 120_000;
  while (Date.now() < deadline && (ingestDoneMs === null || storedDoneMs === null)) {
    let handled = 0;
    for (const s of env.system.ingests)
      handled += metricSum(await s.metrics(), 'vigil_ingest_messages_total');
    for (const s of env.system.scorers)
      peakLag = Math.max(peakLag, metricSum(await s.metrics(), LAG, OBSERVATIONS));
    const counts = await env.db.storedCountsByDevice(devices).catch(() => null);
    const stored = counts ? [...counts.values()].reduce((a, b) => a + b, 0) : 0;
    const t = Date.now() - startedAt;
    if (ingestDoneMs === null && handled >= total * env.system.ingests.length) ingestDoneMs = t;
    if (storedDoneMs === null && stored >= total) storedDoneMs = t;
    await sleep(250);
  }
  return {
    fault: 'none',
    signal: null,
    detail: {
      readings: total,
      loadMs: ctx.loadMs,
      // From the load's start: the load itself takes loadMs; beyond that is the pipeline's backlog.
      ingestsHandledAllAfterMs: ingestDoneMs,
      allStoredAfterMs: storedDoneMs,
      storedPerSecond: storedDoneMs ? Math.round((total / storedDoneMs) * 1000) : null,
      peakScorerLagRecords: peakLag,
    },
  };
}
