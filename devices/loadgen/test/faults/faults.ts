import type { FaultContext } from './fault-harness';
import { sleep } from './wait';

/**
 * The faults, each injected part-way through a round's load and each returning its evidence: what the
 * platform showed of it (a metric of `/metrics`, a failing health check, a technical alert) or null.
 */
export interface FaultEvidence {
  fault: string;
  /** How the fault showed, or null when nothing in Vigil's metrics or technical alerts revealed it. */
  signal: string | null;
  detail: Record<string, unknown>;
}

const PROCESS_START = 'vigil_api_process_start_time_seconds';
const MQTT_CONNECTS = 'vigil_ingest_mqtt_connects_total';

/** SIGKILL of the Vigil process, then a restart on the same database, broker session and port. */
export async function killVigil(ctx: FaultContext, fraction: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  const before = (await env.api.metrics()).get(PROCESS_START) ?? null;
  await ctx.at(fraction);
  history.fault('vigil-sigkill', 'start', `pid ${env.system.pid}`);
  await env.system.kill();
  await sleep(env.scale.downMs);
  await env.system.start();
  history.fault('vigil-sigkill', 'end', `restarted as pid ${env.system.pid}`);
  const after = (await env.api.metrics()).get(PROCESS_START) ?? null;
  const restarted = before !== null && after !== null && after > before;
  return {
    fault: 'vigil-sigkill',
    signal: restarted ? `${PROCESS_START} moved from ${before} to ${after}` : null,
    detail: { before, after },
  };
}

/** A clean stop and start of our Mosquitto (persistence on): sessions and queued QoS 1 messages survive. */
export async function restartMosquitto(ctx: FaultContext, fraction: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  await ctx.at(fraction);
  const connectsBefore = (await env.api.metrics()).get(MQTT_CONNECTS) ?? null;
  history.fault('mosquitto-restart', 'start', `pid ${env.mosquitto.pid()}`);
  await env.mosquitto.restart(env.scale.downMs);
  history.fault('mosquitto-restart', 'end', `pid ${env.mosquitto.pid()}`);
  // Ingest's reconnection shows in its connect counter once it is back (poll: it reconnects on a timer).
  let connectsAfter: number | null = null;
  for (let i = 0; i < 50; i += 1) {
    connectsAfter = (await env.api.metrics()).get(MQTT_CONNECTS) ?? null;
    if (connectsBefore !== null && connectsAfter !== null && connectsAfter > connectsBefore) break;
    await sleep(200);
  }
  const reconnected = connectsBefore !== null && connectsAfter !== null && connectsAfter > connectsBefore;
  return {
    fault: 'mosquitto-restart',
    signal: reconnected ? `${MQTT_CONNECTS} moved from ${connectsBefore} to ${connectsAfter}` : null,
    detail: { connectsBefore, connectsAfter },
  };
}

/**
 * A database outage of `ms` for this runtime: new connections to its database refused and the open ones
 * terminated (again every 100 ms); health is probed meanwhile.
 */
export async function cutDatabase(ctx: FaultContext, fraction: number, ms: number): Promise<FaultEvidence> {
  const { env, history } = ctx;
  await ctx.at(fraction);
  history.fault('postgres-cut', 'start', `${ms} ms`);
  const until = Date.now() + ms;
  let terminated = 0;
  const health = new Map<number, number>();
  const cutter = (async () => {
    await env.db.allowConnections(false);
    try {
      while (Date.now() < until) {
        terminated += await env.db.terminateBackends();
        await sleep(100);
      }
    } finally {
      await env.db.allowConnections(true);
    }
  })();
  const prober = (async () => {
    while (Date.now() < until) {
      const status = await env.api.healthStatus();
      health.set(status, (health.get(status) ?? 0) + 1);
      await sleep(250);
    }
  })();
  await Promise.all([cutter, prober]);
  history.fault('postgres-cut', 'end', `${terminated} backends terminated`);
  const unhealthy = [...health.entries()].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
  const metrics = await env.api.metrics();
  const failedHealth = [...metrics.entries()]
    .filter(
      ([k]) =>
        k.startsWith('vigil_api_http_requests_total') && k.includes('/api/health') && /"5\d\d"/.test(k),
    )
    .reduce((n, [, v]) => n + v, 0);
  return {
    fault: 'postgres-cut',
    signal:
      failedHealth > 0
        ? `vigil_api_http_requests_total{route="/api/health",status=5xx} = ${failedHealth}`
        : null,
    detail: { terminated, healthProbes: Object.fromEntries(health), unhealthy, failedHealth },
  };
}
