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

const SERVICE = { username: 'vigil-ingest', password: 'service-secret-for-tests' };

describe('ingest from a real Mosquitto with the shipped ACL', () => {
  let fx: Fixture;
  let mosquitto: MosquittoInstance;
  let stream: RecordingStream;
  let service: IngestService;
  let stores: ReturnType<typeof createIngestStores>;
  const devices: { id: string; secret: string; patientId: string }[] = [];
  const clients: (MqttClient | MqttIngestClient)[] = [];

  beforeAll(async () => {
    fx = await createFixture();
    for (let i = 0; i < 5; i += 1) {
      const patient = await fx.patients.admit({
        nhsNumber: NHS_NUMBERS[i],
        givenName: `P${i}`,
        familyName: 'Mosquitto',
        wardId: fx.wardId,
      });
      const { device, secret } = await fx.registry.provision({ kind: 'blood-pressure', id: `bp-${i}` });
      await fx.registry.bind({
        deviceId: device.id,
        patientId: patient.id,
        from: new Date('2026-01-01T00:00:00Z'),
      });
      devices.push({ id: device.id, secret, patientId: patient.id });
    }
    mosquitto = await startMosquitto([
      SERVICE,
      ...devices.map((d) => ({ username: d.id, password: d.secret })),
    ]);
    stream = new RecordingStream();
    stores = createIngestStores(fx.ds);
    service = new IngestService(stores, stream);
  });

  afterAll(async () => {
    await stores?.close();
    for (const c of clients) await ('client' in c ? c.close() : c.endAsync(true));
    await mosquitto?.stop();
    await fx?.close();
  });

  function startIngest(): Promise<MqttIngestClient> {
    return connectMqttIngest({
      url: mosquitto.url,
      ...SERVICE,
      clientId: 'vigil-ingest-1',
      protocolVersion: 5,
      shared: true,
      handle: async (topic, payload) => {
        await service.handle(topic, payload);
      },
    }).then(async (c) => {
      clients.push(c);
      await c.subscribed;
      return c;
    });
  }

  it('HZ-03 sends PUBACK only after the stream publish resolved; an unacknowledged message is redelivered to the persistent session', async () => {
    const ingest = await startIngest();
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    const device = await connectDevice(mosquitto.url, 'bp-0', devices[0].secret, 5);
    clients.push(device);
    await device.publishAsync(
      mqttTopics.readings('bp-0'),
      envelope('bp-0', 1, [
        {
          type: 'bloodPressure',
          systolic: 16,
          diastolic: 10,
          unit: 'kPa',
          measuredAt: new Date().toISOString(),
        },
      ]),
      { qos: 1 },
    );
    await waitFor(() => stream.publishCalls > 0, 'ingest to receive the message');
    expect(ingest.acknowledged()).toBe(0);
    // Ingest dies before the stream publish resolved: nothing was acknowledged to the broker.
    ingest.client.end(true);
    stream.gate = null;
    release();
    const before = stream.observations().length;
    const restarted = await startIngest();
    await waitFor(() => restarted.acknowledged() >= 1, 'the broker to redeliver to the persistent session');
    const obs = stream
      .observations()
      .slice(before)
      .filter((o) => o.messageId === 'bp-0:1');
    expect(obs.map((o) => o.parameter).sort()).toEqual(['diastolicBp', 'systolicBp']);
    const systolic = obs.find((o) => o.parameter === 'systolicBp');
    expect(systolic?.original).toEqual({ value: 16, unit: 'kPa' });
    expect(systolic?.value).toBeCloseTo(120, 0);
    expect(systolic?.patientId).toBe(devices[0].patientId);
  });

  it('HZ-03 handles many messages at once (issue 11), each PUBACKed only after its own publish resolved', async () => {
    const ingest = await startIngest();
    const device = await connectDevice(mosquitto.url, 'bp-1', devices[1].secret, 5);
    clients.push(device);
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    const calls = stream.publishCalls;
    const acked = ingest.acknowledged();
    const sent = Array.from({ length: 8 }, (_, i) =>
      device.publishAsync(
        mqttTopics.readings('bp-1'),
        envelope('bp-1', 100 + i, [
          {
            type: 'heartRate',
            value: 70 + i,
            unit: '/min',
            measuredAt: new Date(Date.now() - i * 1000).toISOString(),
          },
        ]),
        { qos: 1 },
      ),
    );
    // All eight reach the stream while the first publish is still held: not one message at a time.
    await waitFor(() => stream.publishCalls - calls >= 8, 'eight publishes in flight together');
    expect(ingest.acknowledged() - acked).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(ingest.acknowledged() - acked).toBe(0); // still held: none acknowledged to the broker
    stream.gate = null;
    release();
    await waitFor(
      () => ingest.acknowledged() - acked === 8,
      'the eight PUBACKs after the publishes resolved',
    );
    await Promise.all(sent);
  });

  it('HZ-03 takes in no more than maxInHand (3) messages at once while their publishes are held: the rest wait in Mosquitto', async () => {
    const deviceId = 'bp-2';
    const firstSeq = 200;
    // A client and session of its own with a plain subscription, counting only its own device's messages:
    // the other tests' ingests (a shared subscription) neither take these messages nor add to the count.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const ingest = await connectMqttIngest({
      url: mosquitto.url,
      ...SERVICE,
      clientId: 'vigil-ingest-window',
      protocolVersion: 5,
      shared: false,
      maxInHand: 3,
      handle: async (topic) => {
        if (!topic.includes(`/${deviceId}/`)) return;
        started += 1;
        await gate;
      },
    });
    clients.push(ingest);
    await ingest.subscribed;
    const device = await connectDevice(mosquitto.url, deviceId, devices[2].secret, 5);
    clients.push(device);
    const acked = ingest.acknowledged();
    const sent = Array.from({ length: 8 }, (_, i) =>
      device.publishAsync(
        mqttTopics.readings(deviceId),
        envelope(deviceId, firstSeq + i, [
          {
            type: 'heartRate',
            value: 60 + i,
            unit: '/min',
            measuredAt: new Date(Date.now() - i * 1000).toISOString(),
          },
        ]),
        { qos: 1 },
      ),
    );
    await waitFor(() => started >= 3, 'three messages in hand');
    await new Promise((r) => setTimeout(r, 300));
    expect(started).toBe(3); // the other five wait in Mosquitto, not in ingest
    expect(ingest.acknowledged() - acked).toBe(0);
    release();
    await waitFor(
      () => started === 8 && ingest.acknowledged() - acked >= 8,
      'all eight, once the held ones were acknowledged',
    );
    await Promise.all(sent);
    await ingest.close();
  });

  it("HZ-05 the shipped ACL refuses every device publishing on every other device's topic (5×5 matrix)", async () => {
    const before = service.counters.messages;
    for (let a = 0; a < 5; a += 1) {
      const c = await connectDevice(mosquitto.url, devices[a].id, devices[a].secret, 5);
      clients.push(c);
      for (let b = 0; b < 5; b += 1) {
        if (a === b) continue;
        // MQTT 5: Mosquitto answers PUBACK 0x87 "not authorized" and drops the message.
        await expect(
          c.publishAsync(
            mqttTopics.readings(devices[b].id),
            envelope(devices[b].id, 500 + a, [
              { type: 'heartRate', value: 200, unit: '/min', measuredAt: new Date().toISOString() },
            ]),
            { qos: 1 },
          ),
        ).rejects.toMatchObject({ code: 0x87 });
      }
      // The device's own topic is allowed, as a control that the matrix is not refusing everything.
      await c.publishAsync(
        mqttTopics.readings(devices[a].id),
        envelope(devices[a].id, 900, [
          { type: 'heartRate', value: 70, unit: '/min', measuredAt: new Date().toISOString() },
        ]),
        { qos: 1 },
      );
    }
    await waitFor(() => service.counters.messages >= before + 5, 'the five allowed readings');
    await new Promise((r) => setTimeout(r, 200));
    expect(service.counters.messages).toBe(before + 5);
    const forged = stream.observations().filter((o) => o.seq !== null && o.seq >= 500 && o.seq < 900);
    expect(forged).toHaveLength(0);
    const own = await connectDevice(mosquitto.url, devices[0].id, devices[0].secret, 5);
    clients.push(own);
    // Mosquitto grants a subscription but, with no `read` rule for a device, delivers it nothing.
    const received: string[] = [];
    own.on('message', (topic) => received.push(topic));
    await own.subscribeAsync(mqttTopics.readingsWildcard, { qos: 1 }).catch(() => undefined);
    const other = await connectDevice(mosquitto.url, devices[1].id, devices[1].secret, 5);
    clients.push(other);
    const seenBefore = service.counters.messages;
    await other.publishAsync(
      mqttTopics.readings(devices[1].id),
      envelope(devices[1].id, 901, [
        { type: 'heartRate', value: 71, unit: '/min', measuredAt: new Date().toISOString() },
      ]),
      { qos: 1 },
    );
    await waitFor(() => service.counters.messages > seenBefore, 'ingest to receive the control reading');
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it("HZ-60 ingest publishes a device's commands; with the shipped ACL a device receives its own and never another device's", async () => {
    const ingest = await startIngest();
    const owner = await connectDevice(mosquitto.url, devices[2].id, devices[2].secret, 5);
    const snoop = await connectDevice(mosquitto.url, devices[3].id, devices[3].secret, 5);
    clients.push(owner, snoop);
    const got = (c: MqttClient) => {
      const seen: { topic: string; body: string }[] = [];
      c.on('message', (topic, payload) => seen.push({ topic, body: payload.toString('utf8') }));
      return seen;
    };
    const ownerSeen = got(owner);
    const snoopSeen = got(snoop);
    await owner.subscribeAsync(mqttTopics.commands(devices[2].id), { qos: 1 });
    // Another device's commands topic, and a wildcard: Mosquitto's ACL lets nothing through to them.
    await snoop.subscribeAsync(mqttTopics.commands(devices[2].id), { qos: 1 }).catch(() => undefined);
    await snoop.subscribeAsync('vigil/v1/devices/+/commands', { qos: 1 }).catch(() => undefined);
    await snoop.subscribeAsync(mqttTopics.commands(devices[3].id), { qos: 1 });
    await ingest.publish(mqttTopics.commands(devices[2].id), Buffer.from('{"for":"bp-2"}'));
    // A control command for the snoop's own topic, published after: once it arrives, the other would have.
    await ingest.publish(mqttTopics.commands(devices[3].id), Buffer.from('{"for":"bp-3"}'));
    await waitFor(() => ownerSeen.length === 1 && snoopSeen.length >= 1, 'both commands delivered');
    expect(ownerSeen).toEqual([{ topic: mqttTopics.commands(devices[2].id), body: '{"for":"bp-2"}' }]);
    // The wildcard and its own topic both match its own commands (delivered once per matching subscription
    // with MQTT 5): only ever its own.
    expect(snoopSeen.length).toBeGreaterThanOrEqual(1);
    expect(
      snoopSeen.filter((m) => m.topic !== mqttTopics.commands(devices[3].id) || m.body !== '{"for":"bp-3"}'),
    ).toEqual([]);
  });
});
