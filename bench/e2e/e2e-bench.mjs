#!/usr/bin/env node
// End-to-end benchmark (issue 7, items 1 and 3): devices → MQTT → Vigil (ingest, scorer, PostgreSQL, api)
// → socket.io → nurses' consoles, on this one machine. See docs/performance.md for the method and results.
//
//   npm run bench -- [--quick] [--broker aedes|mosquitto] [--stream inprocess|kafka]
//                    [--database <postgres URL>|timescaledb] [--idle-devices 10000] [--patients N]
//                    [--nurses 50] [--step-seconds S] [--rates 100,200,…] [--seed N] [--json out.json]
//                    [--soak <minutes> [--soak-rate R]]
//   npm run bench -- ingest [options of bench/ingest-throughput.mjs]    (the earlier hot-path benchmark)
//   npm run bench -- rows [database server URL]                          (bytes per observation row, bench/row-bytes.mjs)
//
// Measures; asserts nothing. Creates its own database on BENCH_DATABASE_URL's server (or --database's) and
// drops it. `--database timescaledb` starts the shared TimescaleDB cluster (../shared/timescaledb) and uses it.
// `--broker mosquitto` runs a private Mosquitto on a free port (BENCH_MOSQUITTO_URL: use that one instead).
// `--stream kafka` runs Vigil in its distributed form — the built ingest, scorer and api as three processes on
// a private Kafka broker (KAFKA_BROKERS: use that one) — with Mosquitto; the default is the embedded runtime
// (one process, in-process stream).
import { createRequire } from 'node:module';
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

if (process.argv[2] === 'rows') {
  const r = spawnSync(process.execPath, [path.join(here, '../row-bytes.mjs'), ...process.argv.slice(3)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
if (process.argv[2] === 'ingest') {
  const r = spawnSync(
    process.execPath,
    [path.join(here, '../ingest-throughput.mjs'), ...process.argv.slice(3)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

require('../../tools/register-ts.cjs');
const engines = require('./engines.cjs');
// --database before bench-database.cjs reads BENCH_DATABASE_URL.
{
  const at = process.argv.indexOf('--database');
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (at > 0 && !value) throw new Error('--database needs a PostgreSQL URL or "timescaledb"');
  if (value === 'timescaledb') process.env.BENCH_DATABASE_URL = engines.timescaleUrl();
  else if (value) {
    if (!/^postgres(ql)?:\/\//.test(value))
      throw new Error(`--database: "${value}" is neither a postgres:// URL nor "timescaledb"`);
    process.env.BENCH_DATABASE_URL = value;
  }
}
const mqtt = require('mqtt');
const { io } = require('socket.io-client');
const { Client } = require('pg');
const { mqttTopics, socketEvents } = require('@vigil/contracts');
const {
  openDatabase,
  SqlDatabase,
  PatientsRepository,
  DeviceRegistryRepository,
  UsersRepository,
} = require('@vigil/storage');
const { normalVitals, abnormalVitals, seededRandom, toEnvelope } = require(
  path.join(here, '../../devices/loadgen/src/plan/load-plan.ts'),
);
const { referenceScore } = require(path.join(here, '../../devices/loadgen/src/oracle/oracle.ts'));
const { latencySummary, stepFailures, growthPerHour, median, percentile } = require('./stats.cjs');

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    quick: false,
    broker: null,
    stream: 'inprocess',
    database: null,
    idleDevices: 10000,
    patients: null,
    nurses: 50,
    stepSeconds: null,
    warmupSeconds: null,
    rates: null,
    fixedRates: [1000, 5000],
    seed: 7,
    json: null,
    soak: null,
    soakRate: 100,
    crossingShare: 0.005,
    drainSeconds: null,
    repeats: 1,
    cpuProf: false,
    fixedSeconds: null,
  };
  const numeric = new Set([
    'patients',
    'nurses',
    'stepSeconds',
    'warmupSeconds',
    'seed',
    'soak',
    'soakRate',
    'crossingShare',
    'drainSeconds',
    'repeats',
    'fixedSeconds',
    'idleDevices',
  ]);
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(name in o)) throw new Error(`unknown option ${argv[i]}`);
    if (name === 'quick') {
      o.quick = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    if (name === 'rates' || name === 'fixedRates') o[name] = value.split(',').map(Number);
    else if (numeric.has(name)) o[name] = Number(value);
    else o[name] = value;
  }
  if (!['inprocess', 'kafka'].includes(o.stream)) throw new Error('--stream is inprocess or kafka');
  // The distributed apps take readings from an external broker only.
  if (o.stream === 'kafka' && o.broker === 'aedes')
    throw new Error('--stream kafka runs the distributed ingest, which needs --broker mosquitto');
  o.broker ??= o.stream === 'kafka' ? 'mosquitto' : 'aedes';
  if (!['aedes', 'mosquitto'].includes(o.broker)) throw new Error('--broker is aedes or mosquitto');
  o.patients ??= o.quick ? 200 : 1000;
  o.stepSeconds ??= o.quick ? 4 : 15;
  o.warmupSeconds ??= o.quick ? 1 : 3;
  o.drainSeconds ??= o.quick ? 6 : 30;
  o.rates ??= o.quick
    ? [50, 100, 150, 200, 300]
    : [50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1500, 2000];
  o.fixedSeconds ??= o.quick ? 2 : 5;
  return o;
}

const { SERVER_URL, admin, databaseUrl, nhsNumbers } = require('../bench-database.cjs');
let MOSQUITTO_URL = process.env.BENCH_MOSQUITTO_URL ?? null;
let privateMosquittoPid = null;
const now = () => performance.now();
/** This generator's event-loop delay, per step (see the step result's benchEventLoopDelayMs). */
const benchLoopDelay = monitorEventLoopDelay({ resolution: 10 });
benchLoopDelay.enable();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Runs fn over items with at most `limit` at once (argon2 hashing is CPU-bound; two cores). */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

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

function rssOfPid(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (µs) of every PostgreSQL server process on this machine, the exited backends included (their time
 * is in the postmaster's children's columns once reaped): the database's share of the machine, which Vigil's own
 * CPU figure leaves out. Linux only; null elsewhere.
 */
function postgresCpuMicros() {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== 'postgres') continue;
      // Fields after the command: state is the 3rd; utime, stime, cutime, cstime the 14th to 17th.
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
  } catch {
    return null;
  }
  return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
}

function mosquittoPid() {
  if (privateMosquittoPid) return privateMosquittoPid;
  try {
    return Number(readFileSync('/run/mosquitto/mosquitto.pid', 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- the system under test (child process)

function startVigilProcess(options, cpuProf) {
  // Vigil's V8 flags as `npm start` gives them (package.json), then BENCH_VIGIL_NODE_ARGS to try others.
  const execArgv = [
    '--expose-gc',
    '--max-semi-space-size=32',
    ...(process.env.BENCH_VIGIL_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  if (cpuProf) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProf)}`);
  const child = fork(path.join(here, 'vigil-server.cjs'), [], {
    env: { ...process.env, BENCH_VIGIL_OPTIONS: JSON.stringify(options) },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map();
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`vigil exited with ${code} before it was ready`)));
  });
  child.on('message', (m) => {
    if (m.type === 'ready') onReady(m);
    else if (m.type === 'stats') waiting.get(m.id)?.(m);
    else if (m.type === 'stopped') waiting.get('stop')?.();
  });
  return {
    child,
    ready,
    /**
     * CPU used so far, memory now, and the event-loop delay and GC pauses since the last `resetLoop` (which
     * then starts a new window).
     */
    stats(gc = false, resetLoop = false) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ type: 'stats', id, gc, resetLoop });
      });
    },
    stop() {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      });
    },
  };
}

// ---------------------------------------------------------------- raw MQTT knee

async function mqttKnee(url, quick) {
  const topic = `bench/knee/${randomBytes(4).toString('hex')}`;
  const sub = await mqtt.connectAsync(url, { clientId: `knee-sub-${process.pid}`, protocolVersion: 4 });
  const pubs = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      mqtt.connectAsync(url, { clientId: `knee-pub-${process.pid}-${i}`, protocolVersion: 4 }),
    ),
  );
  await sub.subscribeAsync(topic, { qos: 1 });
  let sink = null;
  sub.on('message', (_t, payload) => {
    const t = now();
    if (sink) sink.push(t - Number(payload.toString().slice(0, 20)));
  });
  const seconds = quick ? 2 : 5;
  const rates = [250, 500, 1000, 2000, 3000, 4000, 6000, 8000, 12000, 16000, 24000];
  const steps = [];
  let knee = 0;
  const body = 'x'.repeat(400); // about a readings envelope
  // The first rate twice: the first pass (JIT, socket buffers) is not measured.
  const repeats = quick ? 1 : 3;
  const measure = async (rate) => {
    sink = [];
    const start = now();
    let sent = 0;
    while (now() - start < seconds * 1000) {
      const due = Math.floor(((now() - start) / 1000) * rate);
      for (; sent < due; sent += 1) {
        pubs[sent % pubs.length].publish(topic, `${now().toFixed(3).padStart(20, ' ')}${body}`, { qos: 1 });
      }
      await sleep(5);
    }
    const deadline = now() + 3000;
    while (sink.length < sent && now() < deadline) await sleep(20);
    const r = { sent, received: sink.length, p50Ms: percentile(sink, 50), p99Ms: percentile(sink, 99) };
    await sleep(300);
    return r;
  };
  await measure(rates[0]); // JIT and socket buffers: not measured
  for (const rate of rates) {
    const runs = [];
    for (let r = 0; r < repeats; r += 1) runs.push(await measure(rate));
    const p99 = median(runs.map((x) => x.p99Ms ?? Infinity));
    const complete = runs.every((x) => x.received === x.sent);
    const pass = complete && p99 <= 15;
    steps.push({ offeredPerSecond: rate, runs, p99Ms: p99, pass });
    log(
      `knee ${rate}/s: ${runs.map((x) => `${x.received}/${x.sent}`).join(' ')} received, median p99 ${p99.toFixed(1)} ms ${pass ? 'pass' : 'FAIL'}`,
    );
    if (!pass) break;
    knee = rate;
  }
  sink = null;
  await Promise.all([sub, ...pubs].map((c) => c.endAsync(true)));
  return { mqttKneePerSecond: knee, steps };
}

async function startRawAedes() {
  const child = fork(path.join(here, 'raw-aedes.cjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`raw aedes exited with ${code}`)));
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

// ---------------------------------------------------------------- nurses

function login(httpUrl, username, password, localAddress) {
  const body = JSON.stringify({ username, password });
  const url = new URL('/api/auth/login', httpUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          origin: httpUrl,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const cookie = (res.headers['set-cookie'] ?? [])
            .map((c) => c.split(';')[0])
            .find((c) => c.startsWith('vigil_session='));
          if (res.statusCode !== 200 || !cookie)
            reject(new Error(`login ${username}: HTTP ${res.statusCode}`));
          else resolve(cookie);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function connectNurse(httpUrl, cookie, onAlert) {
  return new Promise((resolve, reject) => {
    const socket = io(httpUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie, origin: httpUrl },
      reconnection: false,
    });
    socket.on(socketEvents.alert, onAlert);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// ---------------------------------------------------------------- devices

function connectDevice(url, device) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId: `${device.id}-${process.pid}`,
      username: device.id,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: 30_000,
      keepalive: 60,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

// ---------------------------------------------------------------- main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = now();
  const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  const name = `vigil_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  process.once('SIGINT', () => {
    admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => process.exit(130));
  });
  const cleanup = [];
  const random = seededRandom(o.seed);
  const results = { options: o, databaseServer: SERVER_URL.replace(/\/\/[^@/]*@/, '//') };
  try {
    if (o.broker === 'mosquitto' && !MOSQUITTO_URL) {
      const private_ = await engines.startPrivateMosquitto();
      cleanup.push(() => private_.stop());
      MOSQUITTO_URL = private_.url;
      privateMosquittoPid = private_.pid;
      log(`private Mosquitto on ${MOSQUITTO_URL}`);
    }
    // 1. The broker's own knee.
    log(`raw MQTT QoS 1 knee of ${o.broker}`);
    if (o.broker === 'aedes') {
      const raw = await startRawAedes();
      results.knee = await mqttKnee(raw.url, o.quick);
      await raw.close();
    } else {
      results.knee = await mqttKnee(MOSQUITTO_URL, o.quick);
    }

    // 2. Vigil in its own process.
    const vigilOptions = {
      databaseUrl: databaseUrl(name),
      httpPort: await freePort(),
      logLevel: 'warn',
      mqtt:
        o.broker === 'aedes'
          ? // The embedded broker refuses more than 2,000 connections by default (HZ-25); the idle-device
            // memory measurement needs room for them.
            { kind: 'embedded', port: 0, limits: { connections: o.patients + o.idleDevices + 500 } }
          : {
              kind: 'external',
              url: MOSQUITTO_URL,
              username: 'vigil-bench',
              password: '',
              clientId: `vigil-bench-${process.pid}-${randomBytes(3).toString('hex')}`,
              // MQTT 5 (the default) and its shared subscription: with protocolVersion 4 the ingest client
              // received nothing here (see docs/performance.md). Another Vigil on this Mosquitto at the same
              // time would share the group's messages; the stored-exactly-once check would show it as lost.
            },
    };
    if (vigilOptions.mqtt.kind === 'external') {
      // Ingest's session is persistent (48 h) and in the shared group: left behind, it would keep taking
      // its share of every later run's messages. Cleared once Vigil has stopped (cleanup runs in reverse).
      const { clientId } = vigilOptions.mqtt;
      cleanup.push(async () => {
        const c = await mqtt.connectAsync(MOSQUITTO_URL, {
          clientId,
          clean: true,
          protocolVersion: 5,
          reconnectPeriod: 0,
          properties: { sessionExpiryInterval: 0 },
        });
        await c.endAsync();
      });
    }
    let vigil;
    if (o.stream === 'kafka') {
      log('building the apps (node tools/build.mjs)');
      spawnSync(process.execPath, [path.join(here, '../../tools/build.mjs'), '--quiet'], {
        stdio: 'inherit',
      });
      let kafkaBrokers = process.env.KAFKA_BROKERS;
      if (!kafkaBrokers) {
        const kafka = await engines.startPrivateKafka();
        cleanup.push(() => kafka.stop());
        kafkaBrokers = kafka.brokers;
        log(`private Kafka on ${kafkaBrokers}`);
      }
      log('starting Vigil, distributed: scorer, ingest, api on Kafka');
      vigil = engines.startDistributedVigil({
        databaseUrl: vigilOptions.databaseUrl,
        httpPort: vigilOptions.httpPort,
        mqttUrl: MOSQUITTO_URL,
        kafkaBrokers,
        clientId: vigilOptions.mqtt.clientId,
      });
    } else {
      log('starting Vigil');
      vigil = startVigilProcess(vigilOptions, o.cpuProf);
    }
    cleanup.push(() => vigil.stop());
    const { httpUrl, mqttUrl, pid: vigilPid } = await vigil.ready;
    const brokerRss = () => (o.broker === 'mosquitto' ? (rssOfPid(mosquittoPid()) ?? 0) : 0);
    const ds = await openDatabase({
      url: databaseUrl(name),
      poolSize: 4,
      applicationName: 'vigil-bench-e2e',
    });
    cleanup.push(() => ds.destroy());
    const sql = new SqlDatabase(ds);
    const [{ bytes: dbBytesEmpty }] = await sql.query(
      `SELECT pg_database_size(current_database())::bigint AS bytes`,
    );

    // 3. Ward, patients, devices, nurses.
    log(`provisioning ${o.patients} patients and devices, ${o.nurses} nurses`);
    const patientsRepo = new PatientsRepository(ds);
    const registry = new DeviceRegistryRepository(ds);
    const users = new UsersRepository(ds);
    const ward = await patientsRepo.createWard('E2E bench ward');
    const nhs = nhsNumbers();
    const numbers = Array.from({ length: o.patients }, () => nhs.next().value);
    const devices = await pool(numbers, 4, async (nhsNumber, i) => {
      const p = await patientsRepo.admit({
        nhsNumber,
        givenName: 'Bench',
        familyName: `E${i}`,
        wardId: ward.id,
      });
      // A hub: one device sending the whole set (RR, SpO2, pulse, temperature, blood pressure).
      const { device, secret } = await registry.provision({ kind: 'hub', id: `e2e-${i}` });
      await registry.bind({ deviceId: device.id, patientId: p.id, from: new Date(Date.now() - 3600_000) });
      return { id: device.id, secret, patientId: p.id, seq: 0, lastMeasured: 0, client: null };
    });
    const password = randomBytes(12).toString('hex');
    const nurses = await pool(
      Array.from({ length: o.nurses }, (_, i) => i),
      4,
      (i) =>
        users.create({
          username: `e2e-nurse-${i}`,
          displayName: `Nurse ${i}`,
          role: 'nurse',
          wardIds: [ward.id],
          password,
        }),
    );
    const patientOf = new Map(devices.map((d) => [d.patientId, d]));

    // 4. Nurses sign in over HTTP and hold a socket each. Login is rate-limited per client IP (10/min), so
    // each group of 8 signs in from its own loopback address (127.0.0.0/8 all reaches the server).
    log('nurses signing in');
    const deliveries = []; // { socket, alertId, patientId, kind, ruleId, at }
    const cookies = await pool(nurses, 4, (u, i) =>
      login(httpUrl, u.username, password, `127.0.0.${2 + Math.floor(i / 8)}`),
    );
    const sockets = await pool(cookies, 8, (cookie, i) =>
      connectNurse(httpUrl, cookie, (event) => {
        const at = now();
        if (event.type !== 'alert.opened') return;
        deliveries.push({
          socket: i,
          alertId: event.alert.id,
          patientId: event.alert.patientId,
          kind: event.alert.kind,
          ruleId: event.alert.ruleId,
          at,
        });
      }),
    );
    cleanup.push(async () => sockets.forEach((s) => s.close()));
    // P = 0: Vigil with its nurses' sockets and no device connected.
    const atZero = await vigil.stats(true);
    const rssAtZero = atZero.memory.rss + brokerRss();

    // 5. Devices connect (each authenticates with its own secret; Mosquitto here accepts anyone).
    log(`connecting ${devices.length} devices to ${mqttUrl}`);
    await pool(devices, 16, async (d) => {
      d.client = await connectDevice(mqttUrl, d);
      d.client.on('error', () => undefined);
    });
    cleanup.push(() => Promise.all(devices.map((d) => d.client?.endAsync(true))));
    await sleep(1000);
    const connected = await vigil.stats(true);
    const rssConnected = connected.memory.rss + brokerRss();

    const readingKeys = new Map(); // `${deviceId}|${seq}` → { t0, acked }
    const everExpected = new Set();
    let openEpisodes = new Set(); // patients whose episode is still open (crossed in this step)

    /** Offers `rate` readings/s for `seconds`, round-robin over the devices; returns the step's records. */
    async function offer(rate, seconds, label, crossingShare = o.crossingShare) {
      const step = {
        label,
        offeredPerSecond: rate,
        keys: [],
        expected: new Map(),
        durable: [],
        acked: 0,
        pending: 0,
      };
      const start = now();
      let sent = 0;
      let cursor = Math.floor(random() * devices.length);
      while (now() - start < seconds * 1000) {
        const due = Math.min(Math.floor(((now() - start) / 1000) * rate), Math.ceil(rate * seconds));
        for (; sent < due; sent += 1) {
          const d = devices[cursor];
          cursor = (cursor + 1) % devices.length;
          d.seq += 1;
          const wallNow = Date.now();
          d.lastMeasured = Math.max(wallNow, d.lastMeasured + 1);
          const crossing = !openEpisodes.has(d.patientId) && random() < crossingShare;
          const vitals = crossing ? abnormalVitals(random) : normalVitals(random);
          const message = { seq: d.seq, measuredOffsetMs: 0, vitals, duplicates: 0 };
          if (crossing && referenceScore(message).total < 5)
            throw new Error('abnormal vitals did not score ≥ 5');
          const payload = JSON.stringify(toEnvelope(d.id, message, d.lastMeasured, wallNow));
          const key = `${d.id}|${d.seq}`;
          const t0 = now();
          const record = { t0, acked: false };
          readingKeys.set(key, record);
          step.keys.push(key);
          step.pending += 1;
          if (crossing) {
            openEpisodes.add(d.patientId);
            step.expected.set(d.patientId, t0);
          }
          d.client.publish(mqttTopics.readings(d.id), payload, { qos: 1 }, (error) => {
            step.pending -= 1;
            if (error) return;
            record.acked = true;
            step.acked += 1;
            step.durable.push(now() - t0);
          });
        }
        await sleep(2);
      }
      step.sent = sent;
      step.seconds = (now() - start) / 1000;
      return step;
    }

    async function commits() {
      const [{ n }] = await sql.query(
        `SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`,
      );
      return Number(n);
    }

    async function storedCount() {
      const [{ n }] = await sql.query(
        `SELECT count(*)::int AS n FROM observations WHERE parameter = 'heartRate'`,
      );
      return n;
    }

    /** One step: warm-up, measured window, then drain and the checks. */
    async function runStep(rate, label, seconds = o.stepSeconds, warmupSeconds = o.warmupSeconds) {
      const t0 = now();
      const deliveriesBefore = deliveries.length;
      const cpuBefore = (await vigil.stats(false, true)).cpu;
      const benchCpuBefore = process.cpuUsage();
      const databaseCpuBefore = postgresCpuMicros();
      benchLoopDelay.reset();
      const storedBefore = await storedCount();
      const xactsBefore = await commits();
      // Warm-up without crossings: an alert it caused would land in the measured window unaccounted for.
      if (warmupSeconds > 0) await offer(rate, warmupSeconds, `${label}-warmup`, 0);
      const step = await offer(rate, seconds, label);
      // Backlog when the window ends: not yet acknowledged, or (Mosquitto: acknowledged by the broker)
      // not yet stored — everything sent so far minus what is stored.
      const storedAtEnd = await storedCount();
      const backlogAtEnd = Math.max(0, totalSentAll() - storedAtEnd);
      // Drain: every publish answered and stored, bounded.
      const drainDeadline = now() + o.drainSeconds * 1000;
      let stored = storedAtEnd;
      while (now() < drainDeadline) {
        stored = await storedCount();
        if (stored >= ackedAll() && pendingAll() === 0) break;
        await sleep(100);
      }
      const drained = stored >= ackedAll() && pendingAll() === 0;
      // Alerts follow the commit; give the sockets a moment.
      const alertDeadline = now() + 2000;
      while (now() < alertDeadline) {
        const got = new Set(deliveries.slice(deliveriesBefore).map((x) => x.patientId));
        if (
          [...step.expected.keys()].every((p) => got.has(p)) &&
          deliveries.length - deliveriesBefore >= step.expected.size * sockets.length
        )
          break;
        await sleep(50);
      }
      await sleep(300);
      const after = await vigil.stats();
      const cpuAfter = after.cpu;
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const databaseCpuAfter = postgresCpuMicros();

      // Stored exactly once, by (device, seq): six observations per reading.
      const keys = step.keys;
      const rows = await sql.query(
        `SELECT device_id, seq, count(*)::int AS n, count(DISTINCT parameter)::int AS p
           FROM observations WHERE device_id = ANY($1) AND seq IS NOT NULL GROUP BY device_id, seq`,
        [devices.map((d) => d.id)],
      );
      const storedMap = new Map(rows.map((r) => [`${r.device_id}|${r.seq}`, r]));
      let lost = 0;
      let duplicated = 0;
      let ackedInStep = 0;
      for (const k of keys) {
        const rec = readingKeys.get(k);
        const row = storedMap.get(k);
        if (row && row.n > row.p) duplicated += 1;
        if (!rec.acked) continue;
        ackedInStep += 1;
        if (!row || row.p < 6) lost += 1;
      }
      // Alerts: each expected patient exactly once on every socket, nothing else (clinical).
      const mine = deliveries.slice(deliveriesBefore);
      const perSocketPatient = new Map();
      const latencies = [];
      const spurious = new Map();
      let technicalAlerts = 0;
      for (const x of mine) {
        if (x.kind !== 'clinical') {
          technicalAlerts += 1;
          continue;
        }
        const t = step.expected.get(x.patientId);
        if (t === undefined) {
          if (!spurious.has(x.alertId))
            spurious.set(x.alertId, {
              ruleId: x.ruleId,
              patientId: x.patientId,
              earlierStep: everExpected.has(x.patientId),
            });
          continue;
        }
        const k = `${x.socket}|${x.patientId}`;
        perSocketPatient.set(k, (perSocketPatient.get(k) ?? 0) + 1);
        if (perSocketPatient.get(k) === 1) latencies.push(x.at - t);
      }
      const spuriousAlerts = spurious.size;
      for (const p of step.expected.keys()) everExpected.add(p);
      let missedAlerts = 0;
      let duplicatedAlerts = 0;
      for (const p of step.expected.keys()) {
        for (let s = 0; s < sockets.length; s += 1) {
          const n = perSocketPatient.get(`${s}|${p}`) ?? 0;
          if (n === 0) missedAlerts += 1;
          if (n > 1) duplicatedAlerts += n - 1;
        }
      }
      const alertLatency = latencySummary(latencies);
      const durable = latencySummary(step.durable);
      const readingsStored = (await storedCount()) - storedBefore;
      const xacts = (await commits()) - xactsBefore;
      const result = {
        label,
        offeredPerSecond: rate,
        achievedOfferedPerSecond: step.sent / step.seconds,
        sent: step.sent,
        acknowledged: ackedInStep,
        ackedPerSecond: ackedInStep / step.seconds,
        backlogAtEnd,
        drained,
        lost,
        duplicated,
        expectedAlerts: step.expected.size,
        alertDeliveries: latencies.length,
        missedAlerts,
        duplicatedAlerts,
        spuriousAlerts,
        technicalAlerts,
        spuriousDetail: [...spurious.values()].slice(0, 10),
        p50PublishToAlertMs: alertLatency.p50,
        p99PublishToAlertMs: alertLatency.p99,
        p999PublishToAlertMs: alertLatency.p999,
        p50PublishToDurableMs: durable.p50,
        p99PublishToDurableMs: durable.p99,
        cpuMicrosecondsPerReading:
          readingsStored > 0
            ? (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / readingsStored
            : null,
        // Of which in the kernel (system time: sockets, the PostgreSQL and MQTT round trips).
        cpuSystemMicrosecondsPerReading:
          readingsStored > 0 ? (cpuAfter.system - cpuBefore.system) / readingsStored : null,
        // This load generator's CPU (the device clients, the nurses' sockets) over the same window. It shares the
        // machine's cores, and as the same work every run it is a control: when it moves, the machine's speed did.
        benchCpuMicrosecondsPerReading:
          readingsStored > 0 ? (benchCpu.user + benchCpu.system) / readingsStored : null,
        // PostgreSQL's CPU over the same window (every postgres process here, this script's queries included).
        databaseCpuMicrosecondsPerReading:
          readingsStored > 0 && databaseCpuBefore !== null && databaseCpuAfter !== null
            ? (databaseCpuAfter - databaseCpuBefore) / readingsStored
            : null,
        // Database round trips behind each reading, from PostgreSQL's own counter (includes this
        // script's few verification queries).
        transactionsPerReading: readingsStored > 0 ? xacts / readingsStored : null,
        // The same counted in Vigil's process, per reading (exact to the step; PostgreSQL's counter lags by
        // up to a second per backend), and the statements that began the most of them.
        vigilTransactionsPerReading:
          readingsStored > 0 && after.transactions ? after.transactions.total / readingsStored : null,
        vigilTransactionsBegunBy: after.transactions?.top ?? null,
        // Every statement Vigil sent per reading (each a round trip's worth of socket writes), and the commonest.
        vigilStatementsPerReading:
          readingsStored > 0 && after.transactions ? after.transactions.statements / readingsStored : null,
        vigilTopStatements: after.transactions?.topStatements ?? null,
        wallSeconds: (now() - t0) / 1000,
        // Event-loop delay over the step (p99 / max, ms): Vigil's, and this generator's, which timestamps
        // publishes and alert arrivals (a stall here inflates the latencies above without Vigil being slow).
        vigilEventLoopDelayMs: after.eventLoopDelayMs ?? null,
        vigilGcPauses: after.gcPauses ?? null,
        benchEventLoopDelayMs: { p99: benchLoopDelay.percentile(99) / 1e6, max: benchLoopDelay.max / 1e6 },
      };
      if (lost > 0) {
        result.deadLetters = await sql.query(
          `SELECT reason, count(*)::int AS n FROM dead_letters GROUP BY reason`,
        );
      }
      result.failures = stepFailures(result);
      result.pass = result.failures.length === 0;
      if (result.deadLetters) log('dead letters:', JSON.stringify(result.deadLetters));
      log(
        `${label} ${rate}/s: sent ${result.sent}, acked ${ackedInStep}, backlog ${backlogAtEnd}, lost ${lost}, dup ${duplicated}, ` +
          `alerts ${step.expected.size}×${sockets.length} missed ${missedAlerts} spurious ${spuriousAlerts}, ` +
          `p99 alert ${alertLatency.p99?.toFixed(1)} ms, p99 durable ${durable.p99?.toFixed(1)} ms, ` +
          `transactions/reading ${result.transactionsPerReading?.toFixed(3) ?? '?'} (counted in Vigil ${result.vigilTransactionsPerReading?.toFixed(3) ?? '?'}), ` +
          `event-loop delay max vigil ${result.vigilEventLoopDelayMs?.max.toFixed(0) ?? '?'} / bench ${result.benchEventLoopDelayMs.max.toFixed(0)} ms, ` +
          `vigil GC max scavenge ${result.vigilGcPauses?.scavengeMaxMs.toFixed(0) ?? '?'} / mark-compact ${result.vigilGcPauses?.markCompactMaxMs.toFixed(0) ?? '?'} ms → ${result.pass ? 'pass' : `FAIL (${result.failures.join('; ')})`}`,
      );
      await resolveOpen();
      return result;
    }

    function totalSentAll() {
      return readingKeys.size;
    }
    function ackedAll() {
      let n = 0;
      for (const r of readingKeys.values()) if (r.acked) n += 1;
      return n;
    }
    function pendingAll() {
      let n = 0;
      for (const r of readingKeys.values()) if (!r.acked) n += 1;
      return n;
    }

    /**
     * Resolves every open episode through the api as a nurse (`POST /api/alerts/:id/resolve`: the alerting core,
     * audited), so the next step's crossings page anew. (AlertsRepository no longer has a `resolve` of its own.)
     */
    async function resolveOpen() {
      const open = await sql.query(
        `SELECT id, severity, attention_since AS "attentionSince" FROM alerts WHERE state <> 'resolved'`,
      );
      for (const { id, severity, attentionSince } of open) {
        await fetch(`${httpUrl}/api/alerts/${id}/resolve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: cookies[0], origin: httpUrl },
          // What the "nurse" saw (HZ-10): the api refuses a resolution of an alert that changed since.
          body: JSON.stringify({
            note: 'bench: resolved between steps',
            outcome: 'no-action',
            seen: { severity, attentionSince: new Date(attentionSince).toISOString() },
          }),
        })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
      }
      openEpisodes = new Set();
    }

    /**
     * RSS of Vigil (+ Mosquitto when it is the broker: the devices' connections live there) before and
     * after `o.idleDevices` devices connect and stay idle, after a forced GC each time. The first 256 connect
     * before the baseline, so one-off growth (argon2's working memory in each libuv thread on the embedded
     * broker's sign-ins, socket buffers) is not counted per device; the rest are the measured ones.
     */
    /** Waits (up to 90 s) until the stored count has not moved for 3 s: a failed step's backlog has drained. */
    async function writesStopped() {
      let quietSince = now();
      let lastStored = await storedCount();
      const quietDeadline = now() + 90_000;
      while (now() - quietSince < 3000 && now() < quietDeadline) {
        await sleep(500);
        const n = await storedCount();
        if (n !== lastStored) {
          lastStored = n;
          quietSince = now();
        }
      }
    }

    async function idleDeviceMemory() {
      // A failed step's backlog still draining would move Vigil's RSS during the measurement.
      await writesStopped();
      const n = o.idleDevices;
      const warm = Math.min(256, Math.floor(n / 10));
      log(`memory: connecting ${n} idle devices to ${mqttUrl}`);
      let secret = 'anonymous-broker';
      if (o.broker === 'aedes') {
        // One secret for all (one argon2 hash, a bulk insert); each sign-in still verifies it, as a real one does.
        secret = randomBytes(24).toString('base64url');
        const credentialHash = await require('@node-rs/argon2').hash(secret);
        await sql.query(
          `INSERT INTO devices (id, kind, credential_hash) SELECT 'idle-' || i, 'hub', $1 FROM generate_series(1, $2::int) i`,
          [credentialHash, n],
        );
      }
      const sample = async () => {
        await sleep(1500);
        const s = await vigil.stats(true);
        return { vigil: s.memory.rss, broker: brokerRss() };
      };
      // Vigil's RSS still falls for a while after the steps' load (the heap the forced GC freed goes back to the
      // system over seconds): a baseline taken before it settles made the figure negative (−11.7 MB per 1,000
      // with Mosquitto, where Vigil holds no device connection). Sample until two in a row agree within 2 MB.
      const settled = async () => {
        let previous = await sample();
        for (let i = 0; i < 10; i += 1) {
          const next = await sample();
          if (Math.abs(next.vigil - previous.vigil) < 2 * 2 ** 20) return next;
          previous = next;
        }
        return previous;
      };
      const clients = [];
      const connect = (from, to) =>
        pool(
          Array.from({ length: to - from }, (_, k) => from + k),
          64,
          async (i) => {
            clients[i] = await connectDevice(mqttUrl, { id: `idle-${i + 1}`, secret });
            clients[i].on('error', () => undefined);
          },
        );
      await connect(0, warm);
      const before = await settled();
      const t0 = now();
      await connect(warm, n);
      const connectSeconds = (now() - t0) / 1000;
      const after = await settled();
      await pool(clients, 256, (c) => c.endAsync(true));
      const mb = (b) => b / 2 ** 20;
      const measured = n - warm;
      const idle = {
        devices: n,
        measuredDevices: measured,
        connectSeconds,
        vigilRssBeforeMb: mb(before.vigil),
        vigilRssAfterMb: mb(after.vigil),
        brokerRssBeforeMb: mb(before.broker),
        brokerRssAfterMb: mb(after.broker),
        vigilMbPer1000: (mb(after.vigil - before.vigil) / measured) * 1000,
        brokerMbPer1000: (mb(after.broker - before.broker) / measured) * 1000,
        mbPer1000: (mb(after.vigil + after.broker - before.vigil - before.broker) / measured) * 1000,
      };
      log(
        `memory: ${n} idle devices connected in ${connectSeconds.toFixed(0)} s; ${idle.mbPer1000.toFixed(2)} MB per 1,000 (Vigil ${idle.vigilMbPer1000.toFixed(2)}, broker ${idle.brokerMbPer1000.toFixed(2)})`,
      );
      return idle;
    }

    /** The dictionaries of compact observation rows (a row per patient, device, parameter and kind). */
    const DICTIONARY_BYTES = `(SELECT sum(pg_total_relation_size(t)) FROM unnest(ARRAY['observation_patients',
      'observation_devices', 'observation_parameters', 'observation_kinds']::regclass[]) AS t)`;

    /**
     * Bytes per observation row (`observation_rows`, the compact rows behind the `observations` view), table +
     * indexes + dictionaries: plain PostgreSQL (the partitions), or a TimescaleDB
     * hypertable before and after compressing every chunk (compress_chunk; production compresses chunks
     * older than the policy's age, the benchmark's are minutes old).
     */
    async function observationRowBytes() {
      const [{ rows }] = await sql.query(`SELECT count(*)::bigint AS rows FROM observations`);
      const n = Number(rows);
      if (n === 0) return null;
      const [{ installed }] = await sql.query(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed`,
      );
      const hyper =
        installed &&
        (
          await sql.query(
            `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'observation_rows'`,
          )
        ).length > 0;
      if (!hyper) {
        const [{ bytes }] = await sql.query(
          `SELECT (pg_total_relation_size('observation_rows') + coalesce((SELECT sum(pg_total_relation_size(inhrelid))
              FROM pg_inherits WHERE inhparent = 'observation_rows'::regclass), 0) + ${DICTIONARY_BYTES})::bigint AS bytes`,
        );
        return { storage: 'postgresql-partitioned', rows: n, bytesPerRow: Number(bytes) / n };
      }
      const [{ bytes: uncompressed }] = await sql.query(
        `SELECT (hypertable_size('observation_rows') + ${DICTIONARY_BYTES})::bigint AS bytes`,
      );
      const [{ chunks }] = await sql.query(
        `SELECT count(compress_chunk(c, if_not_compressed => true))::int AS chunks FROM show_chunks('observation_rows') c`,
      );
      const [{ bytes: compressed }] = await sql.query(
        `SELECT (hypertable_size('observation_rows') + ${DICTIONARY_BYTES})::bigint AS bytes`,
      );
      const [{ rows: rowsAfter }] = await sql.query(`SELECT count(*)::bigint AS rows FROM observations`);
      const [stats] = await sql.query(
        `SELECT before_compression_total_bytes::bigint AS before, after_compression_total_bytes::bigint AS after
           FROM hypertable_compression_stats('observation_rows')`,
      );
      return {
        storage: 'timescaledb-hypertable',
        rows: n,
        rowsAfterCompression: Number(rowsAfter),
        chunksCompressed: chunks,
        bytesPerRow: Number(uncompressed) / n,
        bytesPerRowCompressed: Number(compressed) / n,
        compressionStatsBytesPerRow: stats
          ? { before: Number(stats.before) / n, after: Number(stats.after) / n }
          : null,
      };
    }

    const [{ bytes: dbBytesBeforeLoad }] = await sql.query(
      `SELECT pg_database_size(current_database())::bigint AS bytes`,
    );

    let memoryAfterSteps = null;
    if (o.soak) {
      // 6'. Soak: a steady rate; RSS and heap sampled every 10 s.
      log(`soak: ${o.soakRate}/s for ${o.soak} min`);
      const samples = [];
      const soakStart = now();
      const endAt = soakStart + o.soak * 60_000;
      while (now() < endAt) {
        const slice = Math.min(10, (endAt - now()) / 1000);
        await offer(o.soakRate, slice, 'soak');
        // After a forced GC: the retained heap, not the garbage of the last slice.
        const s = await vigil.stats(true);
        samples.push({ seconds: (now() - soakStart) / 1000, rss: s.memory.rss, heapUsed: s.memory.heapUsed });
      }
      const drainDeadline = now() + o.drainSeconds * 1000;
      while (now() < drainDeadline && pendingAll() > 0) await sleep(200);
      const mb = (b) => b / 2 ** 20;
      results.soak = {
        minutes: o.soak,
        ratePerSecond: o.soakRate,
        readings: readingKeys.size,
        acknowledged: ackedAll(),
        stored: await storedCount(),
        rssStartMb: mb(samples[0]?.rss ?? 0),
        rssEndMb: mb(samples.at(-1)?.rss ?? 0),
        rssGrowthMbPerHour: growthPerHour(samples.map((x) => [x.seconds, mb(x.rss)])),
        heapGrowthMbPerHour: growthPerHour(samples.map((x) => [x.seconds, mb(x.heapUsed)])),
        // The second half alone: the first minutes are warm-up (JIT, pools, caches), not a leak.
        rssGrowthMbPerHourSecondHalf: growthPerHour(
          samples.slice(Math.floor(samples.length / 2)).map((x) => [x.seconds, mb(x.rss)]),
        ),
        heapGrowthMbPerHourSecondHalf: growthPerHour(
          samples.slice(Math.floor(samples.length / 2)).map((x) => [x.seconds, mb(x.heapUsed)]),
        ),
        samples: samples.map((x) => ({
          seconds: Math.round(x.seconds),
          rssMb: mb(x.rss),
          heapUsedMb: mb(x.heapUsed),
        })),
      };
    } else {
      // 6. Step the rate up until a step fails; then the fixed rates.
      await offer(Math.min(50, o.rates[0]), 1, 'warm-up', 0);
      await sleep(500);
      await resolveOpen();
      const steps = [];
      let sustained = null;
      for (const rate of o.rates) {
        const repeats = [];
        for (let r = 0; r < o.repeats; r += 1) repeats.push(await runStep(rate, 'step'));
        const step = { ...repeats[0], repeats: repeats.length, pass: repeats.every((x) => x.pass) };
        for (const k of [
          'p50PublishToAlertMs',
          'p99PublishToAlertMs',
          'p999PublishToAlertMs',
          'p99PublishToDurableMs',
          'cpuMicrosecondsPerReading',
          'databaseCpuMicrosecondsPerReading',
          'ackedPerSecond',
        ]) {
          step[k] = median(repeats.map((x) => x[k]).filter((v) => v !== null));
        }
        steps.push(step);
        if (!step.pass) break;
        sustained = step;
      }
      // Memory with P patients connected, after the sustained rate and before the overload of the fixed
      // rates (whose queued messages would inflate it).
      memoryAfterSteps = await vigil.stats(true);
      const fixed = {};
      for (const rate of o.fixedRates) {
        const done = steps.find((s) => s.offeredPerSecond === rate);
        fixed[rate] = done ?? (await runStep(rate, `fixed`, o.fixedSeconds, 0));
      }
      // Memory per 1,000 connected idle devices, last (after the fixed rates' backlog has drained): on the
      // embedded broker 10,000 sign-ins keep Vigil busy for minutes, which no step should run into.
      if (o.idleDevices > 0) results.idle = await idleDeviceMemory();
      results.steps = steps;
      results.fixed = fixed;
      results.sustained = sustained;
    }

    // 7. Memory, storage.
    const end = memoryAfterSteps ?? (await vigil.stats(true));
    const rssWithPatients = end.memory.rss + brokerRss();
    const [{ bytes: dbBytesEnd }] = await sql.query(
      `SELECT pg_database_size(current_database())::bigint AS bytes`,
    );
    const stored = await storedCount();
    // An undrained overload step is still being written: let it finish first (bounded), so compression does not
    // race the scorer's inserts (on TimescaleDB they then decompress and can deadlock) and every row is counted.
    log('storage: waiting for the writes to stop, then bytes per observation row');
    await writesStopped();
    results.observationRows = await observationRowBytes().catch((error) => ({ error: String(error) }));
    results.memory = {
      vigilPid,
      rssAtZeroPatientsMb: rssAtZero / 2 ** 20,
      rssPatientsConnectedIdleMb: rssConnected / 2 ** 20,
      rssWithPatientsMb: rssWithPatients / 2 ** 20,
      patients: o.patients,
      includesMosquitto: o.broker === 'mosquitto',
    };
    results.storage = {
      readingsStored: stored,
      bytes: Number(dbBytesEnd) - Number(dbBytesBeforeLoad),
      emptyDatabaseBytes: Number(dbBytesEmpty),
    };

    const s = results.sustained;
    const at = (rate) => results.fixed?.[rate];
    const lat = (x) =>
      x
        ? {
            p50: x.p50PublishToAlertMs,
            p99: x.p99PublishToAlertMs,
            p999: x.p999PublishToAlertMs,
            offeredPerSecond: x.offeredPerSecond,
            achievedOfferedPerSecond: x.achievedOfferedPerSecond,
            pass: x.pass,
            failures: x.failures,
          }
        : null;
    // Correctness totals over the steps that drained: in an overloaded step cut off by the drain bound,
    // readings and alerts still queued are late, not lost; those steps are listed as undrained.
    const every = [...new Set([...(results.steps ?? []), ...Object.values(results.fixed ?? {})])];
    const all = every.filter((x) => x.drained);
    const sumOf = (k) => all.reduce((n, x) => n + (x[k] ?? 0), 0);
    const summary = {
      broker: o.broker,
      patients: o.patients,
      nurseSockets: sockets.length,
      mqttKneePerSecond: results.knee.mqttKneePerSecond,
      sustainedReadingsPerSecond: s ? s.offeredPerSecond : 0,
      ratioToKnee:
        s && results.knee.mqttKneePerSecond ? s.offeredPerSecond / results.knee.mqttKneePerSecond : null,
      atSustained: lat(s),
      at1000: lat(at(1000)),
      at5000: lat(at(5000)),
      p50PublishToAlertMs: s?.p50PublishToAlertMs ?? null,
      p99PublishToAlertMs: s?.p99PublishToAlertMs ?? null,
      p999PublishToAlertMs: s?.p999PublishToAlertMs ?? null,
      p99PublishToDurableMs: s?.p99PublishToDurableMs ?? null,
      lost: sumOf('lost'),
      duplicated: sumOf('duplicated'),
      missedAlerts: sumOf('missedAlerts'),
      spuriousAlerts: sumOf('spuriousAlerts'),
      duplicatedAlerts: sumOf('duplicatedAlerts'),
      undrainedSteps: every.filter((x) => !x.drained).map((x) => `${x.label} ${x.offeredPerSecond}/s`),
      stream: o.stream,
      database: results.observationRows?.storage ?? null,
      // RSS per 1,000 connected idle devices, measured with --idle-devices (10,000) of them: Vigil, plus
      // Mosquitto when it is the broker (the connections are its). Replaces memoryMbPer1000Patients, which
      // subtracted two RSS samples around 200 device sign-ins and came out negative (allocator noise).
      memoryMbPer1000IdleDevices: results.idle?.mbPer1000 ?? null,
      idleDevicesMeasured: results.idle?.devices ?? 0,
      // The JS heap alone (in-process form only; the distributed processes' heaps are not visible).
      heapMbPer1000Patients:
        connected.memory.heapUsed === null
          ? null
          : ((connected.memory.heapUsed - atZero.memory.heapUsed) / 2 ** 20 / o.patients) * 1000,
      memoryMbPer1000PatientsAfterLoad: ((rssWithPatients - rssAtZero) / 2 ** 20 / o.patients) * 1000,
      cpuMicrosecondsPerReading: s?.cpuMicrosecondsPerReading ?? null,
      databaseCpuMicrosecondsPerReading: s?.databaseCpuMicrosecondsPerReading ?? null,
      transactionsPerReading: s?.transactionsPerReading ?? null,
      storageBytesPerReading: stored ? (Number(dbBytesEnd) - Number(dbBytesBeforeLoad)) / stored : null,
      observationRowBytes: results.observationRows?.bytesPerRow ?? null,
      observationRowBytesCompressed: results.observationRows?.bytesPerRowCompressed ?? null,
      soak: results.soak
        ? {
            rssGrowthMbPerHour: results.soak.rssGrowthMbPerHour,
            heapGrowthMbPerHour: results.soak.heapGrowthMbPerHour,
            rssGrowthMbPerHourSecondHalf: results.soak.rssGrowthMbPerHourSecondHalf,
            heapGrowthMbPerHourSecondHalf: results.soak.heapGrowthMbPerHourSecondHalf,
          }
        : undefined,
    };
    const cpuModel =
      (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
    const report = {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        nproc: cpus().length,
        cpu: cpuModel,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
      wallSeconds: (now() - startedAt) / 1000,
      summary,
      results,
    };
    printTable(report);
    if (o.json) {
      writeFileSync(o.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${o.json}`);
    }
  } finally {
    for (const fn of cleanup.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((e) => console.error(e));
  }
}

function printTable(report) {
  const s = report.summary;
  const f = (n, d = 0) =>
    n === null || n === undefined
      ? '—'
      : Number(n).toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
  const l = (x) =>
    x
      ? `${f(x.p50, 1)} / ${f(x.p99, 1)} / ${f(x.p999, 1)} ms${x.pass ? '' : ` (FAILED at ${f(x.offeredPerSecond)}/s offered: ${x.failures.join('; ')})`}`
      : '—';
  console.log(`\nVigil end-to-end benchmark — ${report.date}`);
  console.log(
    `${report.machine.nproc} × ${report.machine.cpu}, Node ${report.machine.node}; load average ${report.loadAverageAtStart.join(' ')} → ${report.loadAverageAtEnd.join(' ')}; ${f(report.wallSeconds, 0)} s`,
  );
  console.log(`command: ${report.command}\n`);
  const rows = [
    ['broker / stream / storage', `${s.broker} / ${s.stream} / ${s.database}`],
    ['patients (MQTT connections) / nurse sockets', `${s.patients} / ${s.nurseSockets}`],
    ['mqttKneePerSecond', f(s.mqttKneePerSecond)],
    ['sustainedReadingsPerSecond', f(s.sustainedReadingsPerSecond)],
    ['ratioToKnee', f(s.ratioToKnee, 3)],
    ['publish→alert p50/p99/p99.9 at sustained', l(s.atSustained)],
    ['publish→alert p50/p99/p99.9 at 1,000/s', l(s.at1000)],
    ['publish→alert p50/p99/p99.9 at 5,000/s', l(s.at5000)],
    ['p99PublishToDurableMs (sustained)', f(s.p99PublishToDurableMs, 1)],
    ['lost / duplicated (all steps)', `${s.lost} / ${s.duplicated}`],
    [
      'missedAlerts / spuriousAlerts / duplicatedAlerts',
      `${s.missedAlerts} / ${s.spuriousAlerts} / ${s.duplicatedAlerts}`,
    ],
    ['steps cut off by the drain bound (excluded above)', s.undrainedSteps.join(', ') || 'none'],
    [
      `memoryMbPer1000IdleDevices (measured with ${f(s.idleDevicesMeasured)})`,
      f(s.memoryMbPer1000IdleDevices, 2),
    ],
    [
      'memoryMbPer1000PatientsAfterLoad (P connected, after the steps)',
      f(s.memoryMbPer1000PatientsAfterLoad, 1),
    ],
    ['cpuMicrosecondsPerReading (Vigil process)', f(s.cpuMicrosecondsPerReading)],
    [
      'databaseCpuMicrosecondsPerReading (every PostgreSQL process here)',
      f(s.databaseCpuMicrosecondsPerReading),
    ],
    ['PostgreSQL transactions per reading (sustained)', f(s.transactionsPerReading, 2)],
    ['storageBytesPerReading', f(s.storageBytesPerReading)],
    [
      'observation row bytes (table + indexes; compressed)',
      `${f(s.observationRowBytes)}; ${f(s.observationRowBytesCompressed)}`,
    ],
  ];
  if (s.soak) {
    rows.push(
      [
        'soak RSS growth MB/h (whole run; second half)',
        `${f(s.soak.rssGrowthMbPerHour, 1)}; ${f(s.soak.rssGrowthMbPerHourSecondHalf, 1)}`,
      ],
      [
        'soak heap growth MB/h (whole run; second half)',
        `${f(s.soak.heapGrowthMbPerHour, 1)}; ${f(s.soak.heapGrowthMbPerHourSecondHalf, 1)}`,
      ],
    );
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  if (report.results.steps) {
    console.log('\nsteps (offered/s → acked/s, p99 alert, p99 durable, backlog, verdict):');
    for (const x of [...report.results.steps, ...Object.values(report.results.fixed)].filter(
      (v, i, a) => a.indexOf(v) === i,
    )) {
      console.log(
        `  ${x.label} ${f(x.offeredPerSecond)} → ${f(x.ackedPerSecond)}, ${f(x.p99PublishToAlertMs, 1)} ms, ${f(x.p99PublishToDurableMs, 1)} ms, ${x.backlogAtEnd}, ${x.pass ? 'pass' : `fail: ${x.failures.join('; ')}`}`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
