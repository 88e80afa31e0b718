import type { MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';
import { connectMqttIngest, createIngestStores, IngestService, type MqttIngestClient } from '../../src/index';
import {
  connectDevice,
  createFixture,
  envelope,
  type Fixture,
  NHS_NUMBERS,
  RecordingStream,
  waitFor,
} from './harness';
import { type MosquittoInstance, startMosquitto } from '@vigil/testing';

// Both defects here were found by the fault-injection suite (devices/loadgen) against the built runtime.
const SERVICE = { username: 'vigil-ingest', password: 'service-secret-for-tests' };
jest.setTimeout(60_000);

describe('ingest across broker and ingest restarts (persistent Mosquitto)', () => {
  let fx: Fixture;
  let mosquitto: MosquittoInstance;
  let stream: RecordingStream;
  let service: IngestService;
  let stores: ReturnType<typeof createIngestStores>;
  let device: { id: string; secret: string };
  const clients: (MqttClient | MqttIngestClient)[] = [];

  function startIngest(clientId: string): Promise<MqttIngestClient> {
    return connectMqttIngest({
      url: mosquitto.url,
      ...SERVICE,
      clientId,
      protocolVersion: 5,
      // The shared subscription is the one Mosquitto loses on a restart: prove ingest resubscribes it.
      shared: true,
      reconnectPeriod: 100,
      handle: async (topic, payload) => {
        await service.handle(topic, payload);
      },
    }).then((c) => {
      clients.push(c);
      return c;
    });
  }

  async function publish(seq: number): Promise<void> {
    const c = await connectDevice(mosquitto.url, device.id, device.secret, 5);
    clients.push(c);
    await c.publishAsync(
      mqttTopics.readings(device.id),
      envelope(device.id, seq, [
        { type: 'heartRate', value: 70 + seq, unit: '/min', measuredAt: new Date().toISOString() },
      ]),
      { qos: 1 },
    );
    await c.endAsync();
  }

  const received = (seq: number) => stream.observations().some((o) => o.seq === seq);

  beforeAll(async () => {
    fx = await createFixture();
    const patient = await fx.patients.admit({
      nhsNumber: NHS_NUMBERS[0],
      givenName: 'Restart',
      familyName: 'Mosquitto',
      wardId: fx.wardId,
    });
    const provisioned = await fx.registry.provision({ kind: 'pulse-oximeter', id: 'ox-restart' });
    await fx.registry.bind({
      deviceId: provisioned.device.id,
      patientId: patient.id,
      from: new Date('2026-01-01T00:00:00Z'),
    });
    device = { id: provisioned.device.id, secret: provisioned.secret };
    mosquitto = await startMosquitto([SERVICE, { username: device.id, password: device.secret }], {
      persistence: true,
    });
    stream = new RecordingStream();
    stores = createIngestStores(fx.ds);
    service = new IngestService(stores, stream);
  });

  afterAll(async () => {
    await stores?.close();
    for (const c of clients) await ('client' in c ? c.close() : c.endAsync(true)).catch(() => undefined);
    await mosquitto?.stop();
    await fx?.close();
  });

  // First: the queued readings must reach the restarted session, not another member of the shared group.
  it('HZ-03 a restart with readings queued in the session starts before its stream consumer exists, then delivers them', async () => {
    const first = await startIngest('vigil-ingest-restart-2');
    await first.subscribed;
    await first.close();
    // Ingest is down: the broker queues these for its persistent session.
    for (const seq of [11, 12, 13]) await publish(seq);

    // The stream does not accept anything yet (as the in-process stream before its consumer subscribes).
    let release!: () => void;
    stream.gate = new Promise<void>((resolve) => (release = resolve));
    const restarted = await Promise.race([
      startIngest('vigil-ingest-restart-2'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('ingest start waited on its queued messages: deadlock')), 5_000),
      ),
    ]);
    release();
    stream.gate = null;
    await waitFor(() => restarted.acknowledged() >= 3, 'the queued readings to be acknowledged');
    expect([11, 12, 13].every(received)).toBe(true);
  });
  it('HZ-14 keeps ingesting after a Mosquitto restart that restores the session without its shared subscription', async () => {
    const ingest = await startIngest('vigil-ingest-restart-1');
    await publish(1);
    await waitFor(() => received(1), 'the reading before the restart');

    let connects = 0;
    ingest.client.on('connect', () => (connects += 1));
    await mosquitto.restart();
    await waitFor(() => connects >= 1, 'ingest to reconnect to the restarted broker', 15_000);
    // The device publishes after the restart; only a resubscription can route it to ingest.
    await waitFor(
      async () => {
        if (!received(2)) await publish(2);
        return received(2);
      },
      'the reading after the restart to reach ingest',
      15_000,
    );
    expect(stream.observations().filter((o) => o.seq === 2).length).toBeGreaterThan(0);
  });
});
