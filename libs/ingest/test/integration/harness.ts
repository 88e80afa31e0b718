import mqtt, { type MqttClient } from 'mqtt';
import type { DataSource } from 'typeorm';
import {
  type CanonicalObservation,
  expandVitalsEvent,
  streamTopics,
  vitalsStreamEventSchema,
} from '@vigil/contracts';
import { DeviceRegistryRepository, openDatabase, PatientsRepository } from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import type { StreamPublisher } from '../../src/index';

/** Records what ingest published; `gate` lets a test hold publishes to prove PUBACK waits for them. */
export class RecordingStream implements StreamPublisher {
  readonly records: { topic: string; key: string; value: unknown }[] = [];
  gate: Promise<void> | null = null;
  publishCalls = 0;

  async publish(topic: string, records: { key: string; value: unknown }[]): Promise<void> {
    this.publishCalls += 1;
    if (this.gate) await this.gate;
    for (const r of records)
      this.records.push({ topic, key: r.key, value: JSON.parse(JSON.stringify(r.value)) });
  }

  /** The canonical observations published, in order (a device message's come as one `readings` event). */
  observations(): CanonicalObservation[] {
    return this.records
      .filter((r) => r.topic === streamTopics.observations)
      .flatMap((r) => expandVitalsEvent(vitalsStreamEventSchema.parse(r.value)));
  }
}

export interface Fixture {
  db: TestDatabase;
  ds: DataSource;
  registry: DeviceRegistryRepository;
  patients: PatientsRepository;
  wardId: string;
  close(): Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const db = await createTestDatabase('vigil_ingest');
  const ds = await openDatabase({ url: db.url, poolSize: 6 });
  const patients = new PatientsRepository(ds);
  const ward = await patients.createWard('Ward A');
  return {
    db,
    ds,
    registry: new DeviceRegistryRepository(ds),
    patients,
    wardId: ward.id,
    async close() {
      await ds.destroy();
      await db.drop();
    },
  };
}

/** Valid NHS numbers (Modulus 11) for test patients. */
export const NHS_NUMBERS = [
  '9434765919',
  '9434765870',
  '4010232137',
  '9990000018',
  '9990000026',
  '9990000034',
  '9990000050',
];

export function connectDevice(
  url: string,
  deviceId: string,
  secret: string,
  protocolVersion: 4 | 5 = 4,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId: `test-${deviceId}`,
      username: deviceId,
      password: secret,
      protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

export function envelope(
  deviceId: string,
  seq: number,
  measurements: unknown[],
  sentAt = new Date(),
): string {
  return JSON.stringify({ v: 1, deviceId, seq, sentAt: sentAt.toISOString(), measurements });
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
