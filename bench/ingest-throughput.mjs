#!/usr/bin/env node
// Hot-path throughput on this machine (first version; the full end-to-end benchmark is a later issue).
//
//   npm run bench -- [--devices 20] [--window 4] [--readings 6000] [--patients 50] [--points 60] [--json out.json]
//
// 1. ingest: MQTT devices on loopback → embedded aedes broker → IngestService (inside the broker's publish
//    hook, so the device's PUBACK waits for it) → in-process stream, consumed by a group that only
//    acknowledges. Readings/s from first publish to last PUBACK.
// 2. ingest + scorer: the same, consumed by the real scorer writing to PostgreSQL; the PUBACK now waits
//    for the scorer's commit (the embedded mode's durability).
// 3. scorer: readings events (one per time point, as ingest groups a message) published to the in-process
//    stream, consumed by the scorer in its batches (≤ 100 records, a device message each) into PostgreSQL.
//    Observations written/s.
// 4. storage: bytes per observation = size of the observations table with its indexes / rows.
//
// Needs only the repo and the local PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres):
// it creates its own database and drops it at the end. Measures; asserts nothing.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
require('../tools/register-ts.cjs');
const mqtt = require('mqtt');
const { Client } = require('pg');
const { mqttTopics, observationEvents, streamTopics, vitalsStreamKey } = require('@vigil/contracts');
const {
  insertDeadLetters,
  openDatabase,
  SqlDatabase,
  PatientsRepository,
  DeviceRegistryRepository,
  StreamJournalRepository,
} = require('@vigil/storage');
const { InProcessStream } = require('@vigil/stream');
const { IngestService, createIngestStores, startEmbeddedBroker } = require('@vigil/ingest');
const { ScorerService, subscribeScorer } = require('@vigil/scorer');

function parseArgs(argv) {
  const options = { devices: 20, window: 4, readings: 6000, patients: 50, points: 60, json: null };
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in options)) throw new Error(`unknown option ${argv[i]}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    options[name] = name === 'json' ? value : Number.parseInt(value, 10);
    if (name !== 'json' && !(options[name] > 0)) throw new Error(`${argv[i - 1]} must be a positive integer`);
  }
  return options;
}

const { SERVER_URL, admin, databaseUrl, nhsNumbers } = require('./bench-database.cjs');
const SERVICE = { username: 'vigil-bench', password: randomBytes(12).toString('hex') };

function connectDevice(url, id, secret) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId: `bench-${id}`,
      username: id,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

/**
 * Every device publishes its share at QoS 1 with at most `window` messages awaiting their PUBACK (a
 * store-and-forward upload); resolves with the seconds from the first publish to the last PUBACK.
 */
async function publishReadings(clients, devices, firstSeq, perDevice, window) {
  const base = Date.now() - 2 * 3600_000;
  const start = performance.now();
  await Promise.all(
    devices.map(async (d, i) => {
      let next = firstSeq;
      const end = firstSeq + perDevice;
      const worker = async () => {
        while (next < end) {
          const seq = next++;
          const measuredAt = new Date(base + seq * 100).toISOString();
          const payload = JSON.stringify({
            v: 1,
            deviceId: d.id,
            seq,
            sentAt: new Date().toISOString(),
            measurements: [{ type: 'heartRate', value: 60 + (seq % 30), unit: '/min', measuredAt }],
          });
          await clients[i].publishAsync(mqttTopics.readings(d.id), payload, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: window }, worker));
    }),
  );
  return (performance.now() - start) / 1000;
}

/** Wraps an object's async methods to sum their latency per name (what bounds ingest: its round trips). */
function timed(target, into, names = Object.keys(target)) {
  const wrapped = Object.create(target);
  for (const name of names) {
    const fn = target[name].bind(target);
    wrapped[name] = async (...args) => {
      const t0 = performance.now();
      try {
        return await fn(...args);
      } finally {
        const t = (into[name] ??= { calls: 0, ms: 0 });
        t.calls += 1;
        t.ms += performance.now() - t0;
      }
    };
  }
  return wrapped;
}

function scorerEvents(patientIds, points) {
  const start = Date.now() - (points + 5) * 60_000;
  const observations = [];
  for (const patientId of patientIds) {
    for (let t = 0; t < points; t += 1) {
      const at = start + t * 60_000;
      const measuredAt = new Date(at).toISOString();
      const values = {
        respiratoryRate: [16 + (t % 5), null],
        spo2: [95 + (t % 4), null],
        inspiredOxygen: [0, 'air'],
        systolicBp: [118 + (t % 15), null],
        heartRate: [70 + (t % 20), null],
        consciousness: [0, 'A'],
        temperature: [36.6 + (t % 6) / 10, null],
      };
      for (const [parameter, [value, valueCode]] of Object.entries(values)) {
        const observation = {
          id: `bench:${patientId}:${parameter}:${at}`,
          patientId,
          // One device message per time point, as ingest publishes it: its readings become one stream event.
          deviceId: valueCode ? null : `bench-${patientId.slice(0, 8)}`,
          parameter,
          value,
          valueCode,
          unit: '1',
          loinc: null,
          mdc: null,
          original: null,
          measuredAt,
          receivedAt: measuredAt,
          source: valueCode ? 'manual' : 'json',
          messageId: `bench:${patientId}:${at}`,
          seq: null,
          detail: null,
          enteredBy: valueCode ? 'bench' : null,
        };
        observations.push(observation);
      }
    }
  }
  // Device readings grouped as ingest groups them (decision 0005 item 22); the nurse's coded values alone.
  return observationEvents(observations);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const loadAverageAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  const perDevice = Math.ceil(options.readings / options.devices);
  const readings = perDevice * options.devices;
  const name = `vigil_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  // Ctrl-C must not leave the database behind.
  process.once('SIGINT', () => {
    admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => process.exit(130));
  });
  const cleanup = [];
  try {
    const ds = await openDatabase({ url: databaseUrl(name), poolSize: 8, applicationName: 'vigil-bench' });
    cleanup.push(() => ds.destroy());
    const sql = new SqlDatabase(ds);
    const patients = new PatientsRepository(ds);
    const registry = new DeviceRegistryRepository(ds);
    const ward = await patients.createWard('Bench ward');
    const nhs = nhsNumbers();
    const patientIds = [];
    for (let i = 0; i < Math.max(options.patients, options.devices); i += 1) {
      const p = await patients.admit({
        nhsNumber: nhs.next().value,
        givenName: 'Bench',
        familyName: `P${i}`,
        wardId: ward.id,
      });
      patientIds.push(p.id);
    }
    const devices = [];
    for (let i = 0; i < options.devices; i += 1) {
      const { device, secret } = await registry.provision({ kind: 'pulse-oximeter', id: `ox-bench-${i}` });
      await registry.bind({
        deviceId: device.id,
        patientId: patientIds[i],
        from: new Date(Date.now() - 24 * 3600_000),
      });
      devices.push({ id: device.id, secret });
    }

    const results = {};
    const silent = () => undefined;

    // 1 and 2: ingest through the embedded broker, first with an acknowledge-only consumer, then the scorer.
    // A short unmeasured warm-up first (JIT, connection pool, PostgreSQL caches).
    const warmup = 10;
    for (const [phase, share, firstSeq] of [
      ['warmup', warmup, 1],
      ['ingest', perDevice, warmup + 1],
      ['ingestAndScorer', perDevice, warmup + perDevice + 1],
    ]) {
      // The embedded mode's durable point: the PostgreSQL stream journal (group commit), as `npm start` runs it.
      const journal = new StreamJournalRepository(sql, { topics: [streamTopics.observations] });
      const stream = new InProcessStream({ partitions: 8, onError: silent, journal });
      const subs = [];
      if (phase !== 'ingestAndScorer') {
        subs.push(
          await stream.subscribe({
            topic: streamTopics.observations,
            groupId: 'bench-ack',
            // Its commit makes nothing durable, so it commits only after the journal's group commit (80 ms
            // linger) has written the batch: a publish resolves at the journal's commit, as before a consumer's
            // commit could stand in for it (decision 0005 item 17).
            handle: () => new Promise((resolve) => setTimeout(resolve, 200)),
          }),
        );
      } else {
        subs.push(
          await subscribeScorer(stream, new ScorerService(sql, async () => undefined), (letters) =>
            insertDeadLetters(sql, letters),
          ),
        );
      }
      subs.push(
        await stream.subscribe({
          topic: streamTopics.deadLetters,
          groupId: 'bench-dead-letters',
          handle: async () => undefined,
        }),
      );
      const timings = {};
      const stores = createIngestStores(ds);
      await stores.start();
      const service = new IngestService(
        timed(stores, timings, ['findDevice', 'bindingsBetween', 'insertDeadLetters']),
        timed(stream, timings, ['publish']),
      );
      const broker = await startEmbeddedBroker({
        port: 0,
        service: SERVICE,
        verifyDevice: (id, secret) => registry.verifySecret(id, secret),
        onDeviceMessage: async (topic, payload) => {
          await service.handle(topic, payload);
        },
      });
      const clients = await Promise.all(devices.map((d) => connectDevice(broker.url, d.id, d.secret)));
      const xacts = async () => {
        // Backends report their counts to the statistics about once a second when idle.
        await new Promise((r) => setTimeout(r, 1500));
        const [row] = await sql.query(
          `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`,
        );
        return Number(row.n);
      };
      const xactsBefore = await xacts();
      let seconds = await publishReadings(clients, devices, firstSeq, share, options.window);
      if (phase === 'ingestAndScorer') {
        // PUBACK no longer waits for the scorer: the phase ends when the scorer has caught up.
        const t0 = performance.now();
        while (stream.health().consumers.some((c) => c.lag > 0)) await new Promise((r) => setTimeout(r, 5));
        seconds += (performance.now() - t0) / 1000;
      }
      const expected = share * devices.length;
      if (service.counters.accepted !== expected || service.counters.rejected !== 0) {
        throw new Error(
          `${phase}: accepted ${service.counters.accepted}, rejected ${service.counters.rejected} of ${expected}`,
        );
      }
      if (phase !== 'warmup') {
        const perCall = Object.fromEntries(
          Object.entries(timings).map(([k, t]) => [
            k,
            { calls: t.calls, meanMs: Math.round((t.ms / t.calls) * 100) / 100 },
          ]),
        );
        const transactions = (await xacts()) - xactsBefore - 2; // less the two reads of the counter
        results[phase] = {
          readings,
          seconds,
          perSecond: readings / seconds,
          transactionsPerReading: transactions / readings,
          journalFlushes: journal.stats.flushes,
          journalWrites: journal.stats.writes,
          perCall,
        };
      }
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await broker.close();
      for (const s of subs) await s.close();
      await stream.close();
      await stores.close();
      await journal.close();
    }

    // 3: the scorer alone, in its stream batches.
    const events = scorerEvents(patientIds.slice(0, options.patients), options.points);
    const [{ n: before }] = await sql.query(`SELECT count(*)::int AS n FROM observations`);
    const [{ n: scoresBefore }] = await sql.query(`SELECT count(*)::int AS n FROM news2_scores`);
    const stream = new InProcessStream({ partitions: 8, partitionCapacity: 5000, onError: silent });
    const sub = await subscribeScorer(stream, new ScorerService(sql, async () => undefined), (letters) =>
      insertDeadLetters(sql, letters),
    );
    const start = performance.now();
    await stream.publish(
      streamTopics.observations,
      events.map((value) => ({ key: vitalsStreamKey(value), value })),
    );
    const seconds = (performance.now() - start) / 1000;
    await sub.close();
    await stream.close();
    const [{ n: after }] = await sql.query(`SELECT count(*)::int AS n FROM observations`);
    const [{ n: scoresAfter }] = await sql.query(`SELECT count(*)::int AS n FROM news2_scores`);
    const written = after - before;
    results.scorer = {
      observations: written,
      scores: scoresAfter - scoresBefore,
      seconds,
      perSecond: written / seconds,
      scoresPerSecond: (scoresAfter - scoresBefore) / seconds,
    };

    // 4: storage per observation: every partition of the compact rows' table, with its indexes and TOAST.
    await sql.query(`VACUUM ANALYZE observation_rows`);
    const [size] = await sql.query(
      `SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'observation_rows'::regclass)
                + pg_total_relation_size('observation_rows') AS bytes,
              (SELECT count(*) FROM observations) AS rows`,
    );
    // Where the bytes go: the heap (rows) and each index, summed over the partitions.
    const parts = await sql.query(
      `SELECT 'heap' AS name, sum(pg_relation_size(c.oid))::bigint AS bytes
         FROM pg_class c WHERE c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'observation_rows'::regclass)
       UNION ALL
       SELECT substring(pg_get_indexdef(i.oid) from 'USING (.*)$') AS name,
              sum(pg_relation_size(i.oid))::bigint
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'observation_rows'::regclass)
        GROUP BY 1`,
    );
    results.storage = {
      rows: Number(size.rows),
      bytes: Number(size.bytes),
      bytesPerObservation: Number(size.bytes) / Number(size.rows),
      perRow: Object.fromEntries(parts.map((p) => [p.name, Math.round(Number(p.bytes) / Number(size.rows))])),
    };

    const [{ server_version: pgVersion }] = await sql.query(`SHOW server_version`);
    const cpuModel =
      (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ??
      cpus()[0]?.model ??
      'unknown';
    const report = {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        nproc: cpus().length,
        cpu: cpuModel,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion,
      },
      // Other work on the machine skews every number: recorded so a reader can tell a quiet run from a busy one.
      loadAverageAtStart,
      options,
      results,
    };
    const f = (n, d = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
    console.log(`Vigil hot-path benchmark — ${report.date}`);
    console.log(
      `${report.machine.nproc} × ${report.machine.cpu}, Node ${report.machine.node}, PostgreSQL ${report.machine.postgres}, ` +
        `load average at start ${loadAverageAtStart.join(' ')}\n`,
    );
    const rows = [
      [
        'ingest: MQTT → aedes → IngestService → journaled in-process stream (ack-only consumer)',
        f(results.ingest.perSecond),
        'readings/s',
        `${f(readings)} readings, ${options.devices} devices × ${options.window} in flight, ${f(results.ingest.seconds, 2)} s, ${f(results.ingest.transactionsPerReading, 3)} transactions/reading`,
      ],
      [
        'ingest + scorer: … → journal → scorer → PostgreSQL (until the scorer caught up)',
        f(results.ingestAndScorer.perSecond),
        'readings/s',
        `${f(readings)} readings, ${f(results.ingestAndScorer.seconds, 2)} s, ${f(results.ingestAndScorer.transactionsPerReading, 3)} transactions/reading`,
      ],
      [
        'scorer: stream batches (≤ 100 records) → observations, NEWS2, alerts in PostgreSQL',
        f(results.scorer.perSecond),
        'observations/s',
        `${f(written)} obs, ${f(results.scorer.scores)} scores, ${f(seconds, 2)} s`,
      ],
      [
        'storage: observations table + indexes per row',
        f(results.storage.bytesPerObservation),
        'bytes/observation',
        `${f(results.storage.rows)} rows, ${f(results.storage.bytes / 2 ** 20, 1)} MiB; per row ${Object.entries(
          results.storage.perRow,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      ],
    ];
    const widths = [0, 1, 2, 3].map((i) =>
      Math.max(...rows.map((r) => r[i].length), ['measurement', 'value', 'unit', 'run'][i].length),
    );
    const line = (r) =>
      `| ${r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
    console.log(line(['measurement', 'value', 'unit', 'run']));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    for (const phase of ['ingest', 'ingestAndScorer']) {
      const calls = Object.entries(results[phase].perCall)
        .map(([k, t]) => `${k} ${t.meanMs} ms`)
        .join(', ');
      console.log(
        `  ${phase}: mean latency per call, waiting for one of the 8 pooled connections included: ${calls}`,
      );
    }
    if (options.json) {
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nwrote ${options.json}`);
    }
  } finally {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
