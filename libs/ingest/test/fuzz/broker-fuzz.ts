import mqtt, { type MqttClient } from 'mqtt';
import {
  expandVitalsEvent,
  MAX_PACKET_BYTES,
  MAX_PAYLOAD_BYTES,
  mqttTopics,
  streamTopics,
  type VitalsStreamEvent,
} from '@vigil/contracts';
import {
  DeadLettersRepository,
  DeviceRegistryRepository,
  openDatabase,
  PatientsRepository,
} from '@vigil/storage';
import { createTestDatabase } from '@vigil/testing';
import {
  createIngestStores,
  type EmbeddedBroker,
  IngestService,
  type StreamPublisher,
  startEmbeddedBroker,
} from '../../src/index';

/**
 * The fuzzing bench (issue 12): mutated and random device payloads — JSON envelopes, Bluetooth GATT bytes,
 * oversized, truncated, duplicated, status — published over MQTT (QoS 1) through the embedded broker into
 * ingest on a real PostgreSQL. Every message the broker acknowledged must be accounted for: observations on
 * the stream, dead letters in the store, a recognised redelivery, or a status. Packets over the size limit
 * are refused unacknowledged by the broker and must each leave a dead letter.
 */
export interface FuzzOptions {
  messages: number;
  seed?: number;
  /** MQTT connections publishing at once (default 6). */
  clients?: number;
  /** Publishes in flight per connection (default 32). */
  window?: number;
  /** One message in this many is over the broker's packet limit (default 2,000). */
  oversizeEvery?: number;
  onProgress?: (sent: number) => void;
}

export interface FuzzResult {
  sent: number;
  acknowledged: number;
  /** Acknowledged messages that produced at least one observation on the stream. */
  stored: number;
  /** Acknowledged messages that produced only dead letters. */
  deadLettered: number;
  /** Recognised redeliveries of a message already handled (same device and seq). */
  duplicates: number;
  statuses: number;
  /** Refused by the broker for their size, unacknowledged (each must leave a dead letter). */
  refusedOversize: number;
  /** Dead letters the broker left for refused packets (must equal `refusedOversize`). */
  oversizeDeadLetters: number;
  observations: number;
  deadLetterRows: number;
  /** Dead letters published on the stream (must equal `deadLetterRows`). */
  deadLetterEvents: number;
  /** Uncaught errors, unhandled rejections and ingest failures: must be 0. */
  crashes: number;
  crashMessages: string[];
  /** Acknowledged messages that none of the above explains: must be 0. */
  unaccounted: number;
  seconds: number;
}

/** A small deterministic PRNG (mulberry32), so a run can be repeated by its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class CountingStream implements StreamPublisher {
  observations = 0;
  deadLetters = 0;
  async publish(topic: string, records: { key: string; value: unknown }[]): Promise<void> {
    if (topic === streamTopics.deadLetters) this.deadLetters += records.length;
    else
      this.observations += records.reduce(
        (n, r) => n + expandVitalsEvent(r.value as VitalsStreamEvent).length,
        0,
      );
  }
}

const GATT = ['2A35', '2A5E', '2A5F', '2A1C', '2A99'];

export async function runBrokerFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const random = prng(options.seed ?? 20261205);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const clientsCount = options.clients ?? 6;
  const window = options.window ?? 32;
  const oversizeEvery = options.oversizeEvery ?? 2000;
  const crashMessages: string[] = [];
  const crash = (error: unknown) => {
    if (crashMessages.length < 20) crashMessages.push(error instanceof Error ? error.message : String(error));
    crashCount += 1;
  };
  let crashCount = 0;
  const onUncaught = (error: unknown) => crash(error);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const db = await createTestDatabase('vigil_fuzz');
  const ds = await openDatabase({ url: db.url, poolSize: 8 });
  const stream = new CountingStream();
  const stores = createIngestStores(ds);
  const service = new IngestService(stores, stream);
  const registry = new DeviceRegistryRepository(ds);
  const patients = new PatientsRepository(ds);
  const ward = await patients.createWard('Fuzz ward');
  const devices: { id: string; secret: string; kind: 'pulse-oximeter' | 'hub' }[] = [];
  for (let i = 0; i < clientsCount; i += 1) {
    const kind = i % 2 === 0 ? 'pulse-oximeter' : 'hub';
    const patient = await patients.admit({
      nhsNumber: nhsNumber(i),
      givenName: `Fuzz${i}`,
      familyName: 'Patient',
      wardId: ward.id,
    });
    const { device, secret } = await registry.provision({ kind, id: `fz-${i}` });
    await registry.bind({
      deviceId: device.id,
      patientId: patient.id,
      from: new Date('2020-01-01T00:00:00Z'),
    });
    devices.push({ id: device.id, secret, kind });
  }

  const outcomes = { stored: 0, deadLettered: 0, duplicates: 0, statuses: 0, handled: 0 };
  let broker: EmbeddedBroker | null = null;
  const clients: MqttClient[] = [];
  const started = Date.now();
  let sent = 0;
  let acknowledged = 0;
  let refusedOversize = 0;
  try {
    broker = await startEmbeddedBroker({
      port: 0,
      service: { username: 'fuzz-service', password: 'fuzz-service-secret' },
      verifyDevice: (id, secret) => registry.verifySecret(id, secret),
      onDeviceMessage: async (topic, payload) => {
        try {
          const outcome = await service.handle(topic, payload);
          outcomes.handled += 1;
          if (outcome.accepted > 0) outcomes.stored += 1;
          else if (outcome.rejected > 0) outcomes.deadLettered += 1;
          else if (outcome.duplicate) outcomes.duplicates += 1;
          else if (topic.endsWith('/status')) outcomes.statuses += 1;
        } catch (error) {
          crash(error);
          throw error;
        }
      },
      onRefusal: (refusal) => service.recordBrokerRefusal(refusal),
      // A fuzzing client signs in thousands of times; keep the throttles out of the way.
      limits: { loginFailuresPerDevice: 1_000_000, loginFailuresPerAddress: 1_000_000 },
    });
    const url = broker.url;
    for (const device of devices) clients.push(await connect(url, device.id, device.secret, 1000));

    const seqs = devices.map(() => 0);
    const lastValid: (Buffer | null)[] = devices.map(() => null);
    const message = (i: number): { topic: string; payload: Buffer; oversize: boolean } => {
      const device = devices[i];
      const topic = mqttTopics.readings(device.id);
      const now = Date.now();
      const at = () => new Date(now - Math.floor(random() * 3_600_000)).toISOString();
      const envelope = (measurements: unknown[]) => {
        seqs[i] += 1;
        return Buffer.from(
          JSON.stringify({
            v: 1,
            deviceId: device.id,
            seq: seqs[i],
            sentAt: new Date(now).toISOString(),
            measurements,
          }),
        );
      };
      const valid = () =>
        envelope(
          Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            pick([
              { type: 'spo2', value: 85 + Math.floor(random() * 15), unit: '%', measuredAt: at() },
              { type: 'heartRate', value: 40 + Math.floor(random() * 100), unit: '/min', measuredAt: at() },
              { type: 'temperature', value: 35 + random() * 4, unit: 'Cel', measuredAt: at() },
            ]),
          ),
        );
      const roll = random();
      if (sent % oversizeEvery === oversizeEvery - 1) {
        return {
          topic,
          payload: Buffer.alloc(MAX_PACKET_BYTES + 1 + Math.floor(random() * 100_000), 0x7b),
          oversize: true,
        };
      }
      if (roll < 0.3) {
        const payload = valid();
        lastValid[i] = payload;
        return { topic, payload, oversize: false };
      }
      if (roll < 0.4) {
        // Bluetooth pass-through: random bytes for a real or unknown characteristic.
        const bytes = Buffer.from(
          Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256)),
        );
        return {
          topic,
          payload: envelope([
            { type: 'gatt', characteristic: pick(GATT), data: bytes.toString('base64'), measuredAt: at() },
          ]),
          oversize: false,
        };
      }
      if (roll < 0.55) {
        // A valid payload with bytes flipped, dropped or inserted.
        const bytes = Buffer.from(valid());
        for (let k = 0; k < 1 + Math.floor(random() * 4); k += 1)
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        return { topic, payload: bytes, oversize: false };
      }
      if (roll < 0.65) {
        const payload = valid();
        return {
          topic,
          payload: payload.subarray(0, Math.floor(random() * payload.length)),
          oversize: false,
        };
      }
      if (roll < 0.72 && lastValid[i]) return { topic, payload: lastValid[i]!, oversize: false };
      if (roll < 0.8) {
        const status = {
          v: 1,
          deviceId: device.id,
          sentAt: new Date(now).toISOString(),
          battery: Math.floor(random() * 120),
        };
        return {
          topic: mqttTopics.status(device.id),
          payload: Buffer.from(JSON.stringify(status)),
          oversize: false,
        };
      }
      if (roll < 0.85) {
        // Just over the payload limit but within the packet limit: acknowledged and dead-lettered by ingest.
        return {
          topic,
          payload: Buffer.alloc(MAX_PAYLOAD_BYTES + 1 + Math.floor(random() * 512), 0x20),
          oversize: false,
        };
      }
      if (roll < 0.93) {
        return {
          topic,
          payload: Buffer.from(
            JSON.stringify(pick([null, 42, 'text', [1, 2], { v: 2 }, { v: 1, deviceId: device.id }])),
          ),
          oversize: false,
        };
      }
      return {
        topic,
        payload: Buffer.from(
          Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)),
        ),
        oversize: false,
      };
    };

    const worker = async (i: number) => {
      const inFlight = new Set<Promise<void>>();
      while (sent < options.messages) {
        const { topic, payload, oversize } = message(i);
        sent += 1;
        if (sent % 10_000 === 0) options.onProgress?.(sent);
        if (oversize) {
          // On a connection of its own: the broker closes it, and mqtt.js would resend it on reconnect.
          const c = await connect(url, devices[i].id, devices[i].secret, 0);
          await new Promise<void>((resolve) => {
            c.once('close', () => resolve());
            c.publish(topic, payload, { qos: 1 }, (error) => {
              if (!error) acknowledged += 1;
            });
          });
          c.end(true);
          refusedOversize += 1;
          continue;
        }
        const p = clients[i]
          .publishAsync(topic, payload, { qos: 1 })
          .then(() => {
            acknowledged += 1;
          })
          .catch((error: unknown) => crash(error))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= window) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    };
    await Promise.all(devices.map((_, i) => worker(i)));
    // Broker refusals are dead-lettered in the background: wait for every one of them.
    const deadLetters = new DeadLettersRepository(ds);
    const refusalRows = async () =>
      (
        (await ds.query(
          `SELECT count(*)::int AS n FROM dead_letters WHERE reason = 'oversize-payload' AND raw_sha256 IS NULL`,
        )) as { n: number }[]
      )[0].n;
    for (let waited = 0; waited < 30_000 && (await refusalRows()) < refusedOversize; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const oversizeDeadLetters = await refusalRows();
    const deadLetterRows = await deadLetters.count();
    const accounted = outcomes.stored + outcomes.deadLettered + outcomes.duplicates + outcomes.statuses;
    return {
      sent,
      acknowledged,
      stored: outcomes.stored,
      deadLettered: outcomes.deadLettered,
      duplicates: outcomes.duplicates,
      statuses: outcomes.statuses,
      refusedOversize,
      oversizeDeadLetters,
      observations: stream.observations,
      deadLetterEvents: stream.deadLetters,
      deadLetterRows,
      crashes: crashCount,
      crashMessages,
      unaccounted: Math.max(0, acknowledged - accounted) + (outcomes.handled - accounted),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const c of clients) c.end(true);
    await broker?.close();
    await stores.close();
    await ds.destroy();
    await db.drop();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
}

function connect(
  url: string,
  username: string,
  password: string,
  reconnectPeriod: number,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      username,
      password,
      clientId: `${username}-${Math.random().toString(36).slice(2)}`,
      reconnectPeriod,
      connectTimeout: 10_000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (error) => {
      c.end(true);
      reject(error);
    });
  });
}

/** A valid NHS number (Modulus 11) for fuzz patient `i`. */
function nhsNumber(i: number): string {
  for (let base = 900_000_000 + i * 10; ; base += 1) {
    const digits = String(base).split('').map(Number);
    const sum = digits.reduce((acc, d, k) => acc + d * (10 - k), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${base}${check === 11 ? 0 : check}`;
  }
}
