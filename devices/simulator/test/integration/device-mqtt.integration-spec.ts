import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceStatusSchema, measurementSchema, mqttTopics, readingsEnvelopeSchema } from '@vigil/contracts';
import { connectDevice, type DeviceConnection } from '../../src/device/mqtt-device.client';
import { Outbox } from '../../src/device/outbox';
import { Fleet } from '../../src/fleet/fleet';
import { buildRoster } from '../../src/scenarios/roster';

// The real Mosquitto on this machine allows anonymous clients (see /etc/mosquitto/mosquitto.conf), so a
// device's credential is accepted as given; the embedded broker's credential checks are tested in ingest.
const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

interface Received {
  topic: string;
  payload: string;
  qos: number;
}

/** Subscribes to every device topic and keeps the messages whose topic starts with `prefix`. */
async function listen(prefix: string): Promise<{ client: MqttClient; received: Received[] }> {
  const client = await mqtt.connectAsync(MQTT_URL, {
    clientId: `sim-test-${randomBytes(4).toString('hex')}`,
  });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topic.startsWith(prefix)) received.push({ topic, payload: payload.toString(), qos: packet.qos });
  });
  try {
    await client.subscribeAsync(`${mqttTopics.root}/+/+`, { qos: 1 });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  return { client, received };
}

async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('simulated devices against the real Mosquitto', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((fn) => fn()));
  });

  it('a fleet publishes contract-valid envelopes and heartbeats at QoS 1, seq increasing per device', async () => {
    const run = randomBytes(4).toString('hex');
    const patient = buildRoster(1, 5)[0];
    const devices = patient.devices.map((plan, i) => ({
      spec: {
        deviceId: `sim-${run}-${i}`,
        kind: plan.kind,
        style: plan.style,
        profile: patient.profile,
        seed: i,
      },
      secret: 'not-checked-by-anonymous-mosquitto',
    }));
    const { client, received } = await listen(`${mqttTopics.root}/sim-${run}-`);
    cleanups.push(() => client.endAsync());
    // Speed 20: a reading every 15 s of scenario time becomes one every 0.75 s.
    const fleet = new Fleet({ mqttUrl: MQTT_URL, devices, patients: 1, speed: 20, malformedShare: 0 });
    cleanups.push(() => fleet.stop(500));
    await fleet.start();

    const readingsOf = (deviceId: string) =>
      received.filter((r) => r.topic === mqttTopics.readings(deviceId));
    await until(
      () => devices.every((d) => readingsOf(d.spec.deviceId).length >= 3),
      'three readings per device',
    );
    await until(() => fleet.stats().acknowledged >= 9, 'PUBACKs');

    for (const device of devices) {
      const mine = received.filter((r) => r.topic.startsWith(`${mqttTopics.root}/${device.spec.deviceId}/`));
      const seqs: number[] = [];
      for (const message of mine) {
        expect(message.qos).toBe(1);
        const body = JSON.parse(message.payload) as unknown;
        if (message.topic.endsWith('/status')) {
          const status = deviceStatusSchema.parse(body);
          expect(status.deviceId).toBe(device.spec.deviceId);
          seqs.push(status.seq!);
        } else {
          const envelope = readingsEnvelopeSchema.parse(body);
          expect(envelope.deviceId).toBe(device.spec.deviceId);
          envelope.measurements.forEach((m) => measurementSchema.parse(m));
          seqs.push(envelope.seq);
        }
      }
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
      expect(mine.some((m) => m.topic === mqttTopics.status(device.spec.deviceId))).toBe(true);
    }
    const stats = fleet.stats();
    expect(stats.connected).toBe(devices.length);
    expect(stats.sent).toBeGreaterThanOrEqual(stats.acknowledged);
  });

  it('HZ-03 a reading enqueued while the link is down is kept and delivered, same seq, after the reconnect', async () => {
    const deviceId = `sim-${randomBytes(4).toString('hex')}`;
    const { client, received } = await listen(mqttTopics.readings(deviceId));
    cleanups.push(() => client.endAsync());

    let outbox: Outbox | null = null;
    let connects = 0;
    const connection: DeviceConnection = connectDevice({
      url: MQTT_URL,
      deviceId,
      secret: 'x',
      reconnectPeriodMs: 300,
      onConnect: () => {
        connects += 1;
        outbox?.flush();
      },
    });
    cleanups.push(() => connection.close(true));
    outbox = new Outbox(connection);
    await until(() => connection.isConnected(), 'the first connection');

    const payload = (seq: number) =>
      JSON.stringify({
        v: 1,
        deviceId,
        seq,
        sentAt: new Date().toISOString(),
        measurements: [{ type: 'spo2', value: 96, unit: '%', measuredAt: new Date().toISOString() }],
      });
    outbox.enqueue(mqttTopics.readings(deviceId), payload(1), 1);
    await until(() => outbox.pending() === 0, 'the first PUBACK');

    connection.interrupt();
    await until(() => !connection.isConnected(), 'the link to drop');
    outbox.enqueue(mqttTopics.readings(deviceId), payload(2), 2);
    expect(outbox.pending()).toBe(1);
    expect(received.map((r) => JSON.parse(r.payload).seq)).toEqual([1]);

    await until(() => connects >= 2, 'the reconnect');
    await until(() => outbox.pending() === 0, 'the PUBACK after reconnect');
    await until(() => received.length >= 2, 'delivery of the held reading');
    expect(received.map((r) => JSON.parse(r.payload).seq)).toEqual([1, 2]);
    expect(connection.reconnects()).toBeGreaterThanOrEqual(1);
    expect(outbox.counters()).toMatchObject({ enqueued: 2, acknowledged: 2, dropped: 0 });
  });
});
