import mqtt from 'mqtt';
import { expandVitalsEvent, mqttTopics, streamTopics, type VitalsStreamEvent } from '@vigil/contracts';
import { DeviceRegistryRepository, openDatabase, PatientsRepository } from '@vigil/storage';
import { InProcessStream, type Subscription } from '@vigil/stream';
import {
  createTestDatabase,
  type MosquittoInstance,
  startMosquitto,
  type TestDatabase,
} from '@vigil/testing';
import { type RunningIngest, startIngestApp } from '../../src/ingest-app';

jest.setTimeout(30_000);

const SERVICE = { username: 'vigil-ingest', password: 'ingest-test-password' };

describe('the ingest entry point (distributed mode, external Mosquitto)', () => {
  let db: TestDatabase;
  let broker: MosquittoInstance;
  let stream: InProcessStream;
  let consumer: Subscription;
  let ingest: RunningIngest | null = null;
  const events: VitalsStreamEvent[] = [];
  let device: { id: string; secret: string; patientId: string };

  beforeAll(async () => {
    db = await createTestDatabase('vigil_ingest_app');
    const setup = await openDatabase({ url: db.url, poolSize: 1 });
    try {
      const patients = new PatientsRepository(setup);
      const ward = await patients.createWard('Ingest app ward');
      const patient = await patients.admit({
        nhsNumber: '9434765919',
        givenName: 'Test',
        familyName: 'Patient',
        wardId: ward.id,
      });
      const registry = new DeviceRegistryRepository(setup);
      const { device: d, secret } = await registry.provision({ kind: 'thermometer' });
      await registry.bind({ deviceId: d.id, patientId: patient.id, from: new Date(Date.now() - 3_600_000) });
      device = { id: d.id, secret, patientId: patient.id };
    } finally {
      await setup.destroy();
    }
    broker = await startMosquitto([SERVICE, { username: device.id, password: device.secret }]);
    stream = new InProcessStream({ partitions: 2 });
    consumer = await stream.subscribe<VitalsStreamEvent>({
      topic: streamTopics.observations,
      groupId: 'test-observer',
      handle: async (batch) => {
        events.push(...batch.records.map((r) => r.value));
      },
    });
  });

  afterAll(async () => {
    await ingest?.stop();
    await consumer?.close();
    await broker?.stop();
    await db?.drop();
  });

  it('subscribes with its service account and publishes a device reading to the stream', async () => {
    ingest = await startIngestApp({
      databaseUrl: db.url,
      stream,
      ingest: {
        broker: { kind: 'external', url: broker.url, ...SERVICE, clientId: `ingest-app-test-${process.pid}` },
        heartbeatIntervalMs: 0,
      },
    });
    expect(ingest.mqttUrl).toBe(broker.url);

    const client = await mqtt.connectAsync(broker.url, {
      username: device.id,
      password: device.secret,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    const measuredAt = new Date(Date.now() - 60_000).toISOString();
    try {
      await client.publishAsync(
        mqttTopics.readings(device.id),
        JSON.stringify({
          v: 1,
          deviceId: device.id,
          seq: 7,
          sentAt: new Date().toISOString(),
          measurements: [{ type: 'temperature', value: 100.4, unit: '[degF]', measuredAt }],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }

    // Mosquitto acknowledges the device itself; ingest's own PUBACK to Mosquitto follows the stream publish.
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === 'readings') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const readings = events.find((e) => e.type === 'readings');
    expect(readings && expandVitalsEvent(readings)).toEqual([
      expect.objectContaining({
        patientId: device.patientId,
        deviceId: device.id,
        parameter: 'temperature',
        value: 38,
      }),
    ]);
  });

  it('stop() unsubscribes and closes its database pool', async () => {
    const running = ingest!;
    await running.stop();
    ingest = null;
    expect(running.dataSource.isInitialized).toBe(false);
  });
});
