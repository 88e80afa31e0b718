// The engines the end-to-end benchmark may run beside Vigil, private to the run so nobody else's traffic
// (or tests) shares them: a Mosquitto on a free port, a single-node Kafka (infra/kafka/kafka.sh on a free
// port pair, data in a temporary folder), and Vigil's distributed form — the built ingest, scorer and api
// as separate processes on Kafka — whose CPU and RSS are read from /proc and summed.
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createConnection, createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** RSS (bytes) and CPU time (µs, user + system) of a process, from /proc; null when it is gone. */
function procStats(pid) {
  try {
    const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]) * 1024;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = 100; // USER_HZ on Linux
    return {
      rss,
      user: (Number(fields[11]) / ticks) * 1e6,
      system: (Number(fields[12]) / ticks) * 1e6,
    };
  } catch {
    return null;
  }
}

/** A Mosquitto 2 on a free loopback port, anonymous (the benchmark's devices and Vigil), no persistence. */
async function startPrivateMosquitto() {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous true',
      `listener ${port} 127.0.0.1`,
      'max_queued_messages 1000000',
      'max_inflight_messages 100',
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  for (let i = 0; i < 100 && !(await listening(port)); i += 1) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
    await sleep(100);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A private single-node Kafka broker (infra/kafka/kafka.sh), stopped and removed by `stop()`. */
async function startPrivateKafka() {
  // Below the ephemeral range (32768+ here): a port the kernel hands out to client sockets meanwhile (10,000
  // idle devices just closed) could take the controller's port between this check and the broker's bind.
  let port = 0;
  for (let i = 0; i < 200; i += 1) {
    const candidate = 20000 + 2 * Math.floor(Math.random() * 6000);
    if (!(await listening(candidate)) && !(await listening(candidate + 1))) {
      port = candidate;
      break;
    }
  }
  if (!port) throw new Error('no free port pair for a private Kafka between 20000 and 32000');
  const state = mkdtempSync(path.join(tmpdir(), 'vigil-bench-kafka-'));
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_STATE_DIR: state };
  const script = path.join(ROOT, 'infra/kafka/kafka.sh');
  const out = execFileSync('bash', [script, 'start', '--fresh'], { env, encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('KAFKA_BROKERS='));
  const pid = Number(readFileSync(path.join(state, 'broker.pid'), 'utf8').trim());
  return {
    brokers: line.slice('KAFKA_BROKERS='.length),
    pid,
    stop() {
      try {
        execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
      } finally {
        rmSync(state, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The topics, by the operator command (`vigil kafka-topics`, one broker: RF 1, min ISR 1), before the apps
 * start. On a broker started seconds ago it can fail right after creating them ("This server does not host
 * this topic-partition": kafkajs retries only LEADER_NOT_AVAILABLE while it waits for leaders); run again, it
 * finds them. A service creating its own topics there exits on the same error.
 */
async function createKafkaTopics(brokers, partitions) {
  const args = [path.join(ROOT, 'dist/apps/vigil/src/cli.js'), 'kafka-topics', '--brokers', brokers];
  args.push('--partitions', String(partitions), '--replication-factor', '1', '--min-insync-replicas', '1');
  for (let attempt = 1; ; attempt += 1) {
    try {
      execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'pipe' });
      return attempt;
    } catch (error) {
      if (attempt >= 5)
        throw new Error(`vigil kafka-topics failed 5 times: ${error.stderr ?? error.message}`);
      await sleep(1000);
    }
  }
}

/** One built app (`dist/apps/<app>/src/main.js`) as a child process; resolves once it printed its ready line. */
function startApp(name, app, env, ready) {
  // BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles each distributed service.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, `dist/apps/${app}/src/main.js`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 90 s:\n${output}`)), 90_000);
    const onData = (d) => {
      output = (output + d).slice(-8000);
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${output}`));
    });
  });
  return {
    name,
    child,
    started,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Vigil's distributed form for the benchmark: one scorer (started first: it migrates), one ingest and one api
 * on `kafkaBrokers`, ingest subscribed to `mqttUrl`. The same handle as the in-process form (ready, stats,
 * stop); stats sum the three processes' CPU and RSS (no JS heap: it is not visible from outside).
 */
function startDistributedVigil({ databaseUrl, httpPort, mqttUrl, kafkaBrokers, clientId }) {
  const common = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers, STREAM_PARTITIONS: '8' };
  const apps = [];
  const ready = (async () => {
    await createKafkaTopics(kafkaBrokers, 8);
    const scorer = startApp('scorer', 'scorer', { ...common, OPS_PORT: '0' }, /"opsPort":(\d+)/);
    apps.push(scorer);
    await scorer.started;
    const ingest = startApp(
      'ingest',
      'ingest',
      {
        ...common,
        OPS_PORT: '0',
        MQTT_URL: mqttUrl,
        MQTT_USERNAME: 'vigil-bench',
        MQTT_PASSWORD: 'anonymous-broker',
        MQTT_CLIENT_ID: clientId,
      },
      /"opsPort":(\d+)/,
    );
    const api = startApp(
      'api',
      'api',
      {
        ...common,
        PORT: String(httpPort),
        ALLOWED_ORIGINS: `http://127.0.0.1:${httpPort}`,
        LOG_LEVEL: 'error',
      },
      /vigil-api: listening on (http:\/\/[^"\s]+)/,
    );
    apps.push(ingest, api);
    const [, apiReady] = await Promise.all([ingest.started, api.started]);
    return { httpUrl: apiReady[1], mqttUrl, pid: apps.map((a) => a.child.pid).join(',') };
  })();
  return {
    ready,
    apps,
    async stats() {
      const total = { rss: 0, user: 0, system: 0 };
      for (const a of apps) {
        const s = procStats(a.child.pid);
        if (!s) continue;
        total.rss += s.rss;
        total.user += s.user;
        total.system += s.system;
      }
      return {
        cpu: { user: total.user, system: total.system },
        memory: { rss: total.rss, heapUsed: null },
      };
    },
    stop: () => Promise.all([...apps].reverse().map((a) => a.stop())),
  };
}

/** Starts (idempotently) the shared TimescaleDB cluster on 5433 and returns its URL (the script's last line). */
function timescaleUrl() {
  const script =
    process.env.TIMESCALE_START_SCRIPT ?? path.resolve(ROOT, '../shared/timescaledb/start-cluster.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1);
}

module.exports = {
  procStats,
  startPrivateMosquitto,
  startPrivateKafka,
  startDistributedVigil,
  timescaleUrl,
};
