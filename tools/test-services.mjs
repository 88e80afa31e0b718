// The engines the tests run against, started when missing and stopped afterwards if this process started them:
// PostgreSQL :5432, Mosquitto :1883 and Redis :6379 (tools/ensure-services.sh), a single-node Kafka broker
// (infra/kafka/kafka.sh) and the TimescaleDB cluster on :5433 (../shared/timescaledb/start-cluster.sh).
// Used by `npm test` (tools/test.mjs); the environment it returns tells the tests where each engine is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function freePortPair(preferred) {
  if (!(await portOpen(preferred)) && !(await portOpen(preferred + 1))) return preferred;
  for (let port = 19092; port < 19200; port += 2) {
    if (!(await portOpen(port)) && !(await portOpen(port + 1))) return port;
  }
  throw new Error('no free port pair for Kafka between 19092 and 19200');
}

function log(message) {
  process.stderr.write(`[test-services] ${message}\n`);
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.status !== 0) {
    if (result.stdout) process.stderr.write(result.stdout);
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  return result.stdout;
}

/**
 * Starts what is missing and returns `{ env, stop }`: `env` holds KAFKA_BROKERS, TEST_DATABASE_URL and
 * TEST_TIMESCALE_URL for the tests; `stop()` stops exactly what this call started. Throws (after stopping
 * what it had started) when an engine cannot be had: a test run without its engines must not look green.
 */
export async function startTestServices() {
  const stops = [];
  const stop = () => {
    for (const fn of stops.splice(0).reverse()) {
      try {
        fn();
      } catch (error) {
        console.error(`[test-services] ${error.message}`);
      }
    }
  };
  const env = {};
  try {
    const startedAt = Date.now();
    // PostgreSQL, Mosquitto, Redis (and Debian packages the tests need).
    const scratch = mkdtempSync(path.join(tmpdir(), 'vigil-services-'));
    const startedFile = path.join(scratch, 'started');
    try {
      run('bash', ['tools/ensure-services.sh'], { VIGIL_SERVICES_STARTED: startedFile });
      const started = existsSync(startedFile)
        ? readFileSync(startedFile, 'utf8').split('\n').filter(Boolean)
        : [];
      if (started.length > 0) {
        log(`started ${started.join(', ')}`);
        stops.push(() => run('bash', ['tools/ensure-services.sh', 'stop', ...started]));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    env.TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

    // TimescaleDB on 5433 (the shared build; idempotent).
    if (process.env.TEST_TIMESCALE_URL) {
      env.TEST_TIMESCALE_URL = process.env.TEST_TIMESCALE_URL;
      log(`TimescaleDB given: ${env.TEST_TIMESCALE_URL}`);
    } else {
      const script =
        process.env.TIMESCALE_START_SCRIPT ?? path.resolve(root, '../shared/timescaledb/start-cluster.sh');
      if (!existsSync(script)) throw new Error(`TimescaleDB start script not found: ${script}`);
      const port = Number(process.env.TIMESCALE_PORT ?? 5433);
      const wasRunning = await portOpen(port);
      const out = run('bash', [script], { TIMESCALE_PORT: String(port) })
        .trim()
        .split('\n');
      env.TEST_TIMESCALE_URL = out[out.length - 1];
      if (!wasRunning) stops.push(() => run('bash', [script, 'stop'], { TIMESCALE_PORT: String(port) }));
      log(`TimescaleDB ${wasRunning ? 'already running' : 'started'}: ${env.TEST_TIMESCALE_URL}`);
    }

    // Kafka (single node, KRaft). An explicit KAFKA_BROKERS wins.
    if (process.env.KAFKA_BROKERS) {
      env.KAFKA_BROKERS = process.env.KAFKA_BROKERS;
      log(`Kafka given: ${env.KAFKA_BROKERS}`);
    } else {
      // Reuse a broker this script's kafka.sh already runs on that port (e.g. started by hand); otherwise start
      // one on KAFKA_PORT, or on 9092 or the next free port pair, and stop it afterwards.
      const requested = Number(process.env.KAFKA_PORT || 9092);
      const status = spawnSync('bash', ['infra/kafka/kafka.sh', 'status'], {
        cwd: root,
        env: { ...process.env, KAFKA_PORT: String(requested) },
        stdio: 'ignore',
      });
      const running = status.status === 0;
      const port = running || process.env.KAFKA_PORT ? requested : await freePortPair(requested);
      const kafkaEnv = { KAFKA_PORT: String(port) };
      const kafkaStarted = Date.now();
      const out = run('bash', ['infra/kafka/kafka.sh', 'start', '--fresh'], kafkaEnv);
      const line = out.split('\n').find((l) => l.startsWith('KAFKA_BROKERS='));
      if (!line) throw new Error('infra/kafka/kafka.sh printed no KAFKA_BROKERS');
      env.KAFKA_BROKERS = line.slice('KAFKA_BROKERS='.length);
      if (!running) stops.push(() => run('bash', ['infra/kafka/kafka.sh', 'stop'], kafkaEnv));
      log(
        `Kafka ${running ? 'already running' : 'started'}: ${env.KAFKA_BROKERS} (${Date.now() - kafkaStarted} ms)`,
      );
    }
    log(`engines ready in ${Date.now() - startedAt} ms`);
    return { env, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** `node tools/test-services.mjs`: prints where each engine is, for a shell (`eval`), and leaves them running. */
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { env } = await startTestServices();
  for (const [key, value] of Object.entries(env)) console.log(`export ${key}=${value}`);
}
