import type { MqttClient } from 'mqtt';
import { mqttTopics, streamTopics } from '@vigil/contracts';
import { DeadLettersRepository } from '@vigil/storage';
import { createIngestStores, IngestService, type EmbeddedBroker, startEmbeddedBroker } from '../../src/index';
import {
  connectDevice,
  createFixture,
  envelope,
  type Fixture,
  NHS_NUMBERS,
  RecordingStream,
  waitFor,
} from './harness';

const SERVICE = { username: 'vigil-ingest', password: 'service-secret-for-tests' };

const atNow = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('ingest in the embedded broker, on the real PostgreSQL', () => {
  let fx: Fixture;
  let broker: EmbeddedBroker;
  let stream: RecordingStream;
  let service: IngestService;
  let stores: ReturnType<typeof createIngestStores>;
  let deadLetters: DeadLettersRepository;
  const devices: { id: string; secret: string; patientId: string }[] = [];
  const open: MqttClient[] = [];

  beforeAll(async () => {
    fx = await createFixture();
    deadLetters = new DeadLettersRepository(fx.ds);
    for (let i = 0; i < 5; i += 1) {
      const patient = await fx.patients.admit({
        nhsNumber: NHS_NUMBERS[i],
        givenName: `P${i}`,
        familyName: 'Test',
        wardId: fx.wardId,
      });
      const { device, secret } = await fx.registry.provision({ kind: 'pulse-oximeter', id: `ox-${i}` });
      await fx.registry.bind({
        deviceId: device.id,
        patientId: patient.id,
        from: new Date('2026-01-01T00:00:00Z'),
      });
      devices.push({ id: device.id, secret, patientId: patient.id });
    }
    stream = new RecordingStream();
    stores = createIngestStores(fx.ds);
    service = new IngestService(stores, stream);
    broker = await startEmbeddedBroker({
      port: 0,
      service: SERVICE,
      verifyDevice: (id, secret) => fx.registry.verifySecret(id, secret),
      onDeviceMessage: async (topic, payload) => {
        await service.handle(topic, payload);
      },
      onRefusal: (refusal) => service.recordBrokerRefusal(refusal),
    });
  });

  afterAll(async () => {
    await stores?.close();
    for (const c of open) c.end(true);
    await broker?.close();
    await fx?.close();
  });

  async function device(i: number): Promise<MqttClient> {
    const c = await connectDevice(broker.url, devices[i].id, devices[i].secret);
    open.push(c);
    return c;
  }

  it('delivers a reading from a bound device to the stream as a canonical observation of the right patient', async () => {
    const c = await device(0);
    const measuredAt = new Date(Date.now() - 60_000).toISOString();
    await c.publishAsync(
      mqttTopics.readings('ox-0'),
      envelope('ox-0', 1, [{ type: 'spo2', value: 94, unit: '%', measuredAt }]),
      { qos: 1 },
    );
    const obs = stream.observations().find((o) => o.id === 'ox-0:1:0');
    expect(obs).toMatchObject({
      patientId: devices[0].patientId,
      deviceId: 'ox-0',
      parameter: 'spo2',
      value: 94,
      unit: '%',
      loinc: '59408-5',
      measuredAt,
      source: 'json',
      messageId: 'ox-0:1',
      seq: 1,
    });
    // One stream record for the message, keyed by its patient, carrying its observations.
    const record = stream.records.find(
      (r) => (r.value as { type: string; messageId?: string }).messageId === 'ox-0:1',
    );
    expect(record?.key).toBe(devices[0].patientId);
    expect(record?.value).toMatchObject({ type: 'readings', observations: [{ id: 'ox-0:1:0' }] });
  });

  it("HZ-05 HZ-20 R12 a reissued device with a clock an hour slow never lands its new patient's readings on the previous one", async () => {
    const previous = await fx.patients.admit({
      nhsNumber: NHS_NUMBERS[5],
      givenName: 'Previous',
      familyName: 'Holder',
      wardId: fx.wardId,
    });
    const next = await fx.patients.admit({
      nhsNumber: NHS_NUMBERS[6],
      givenName: 'Next',
      familyName: 'Holder',
      wardId: fx.wardId,
    });
    const { device, secret } = await fx.registry.provision({ kind: 'pulse-oximeter', id: 'ox-reissued' });
    const handover = new Date(Date.now() - 20 * 60_000);
    await fx.registry.bind({
      deviceId: device.id,
      patientId: previous.id,
      from: new Date(handover.getTime() - 86_400_000),
    });
    await fx.registry.unbind({ deviceId: device.id, at: handover });
    await fx.registry.bind({ deviceId: device.id, patientId: next.id, from: handover });
    // Measured now by the platform's clock; the device's clock is an hour slow, so it says 40 minutes
    // before the handover — when the device still belonged to the previous patient.
    const slow = new Date(Date.now() - 60 * 60_000);
    const c = await connectDevice(broker.url, device.id, secret);
    open.push(c);
    await c.publishAsync(
      mqttTopics.readings(device.id),
      envelope(device.id, 1, [{ type: 'spo2', value: 93, unit: '%', measuredAt: slow.toISOString() }], slow),
      { qos: 1 },
    );
    const obs = stream.observations().find((o) => o.id === `${device.id}:1:0`);
    expect(obs?.patientId).toBe(next.id);
    expect(Date.parse(obs?.measuredAt ?? '')).toBeGreaterThan(handover.getTime());
    expect(obs?.detail).toMatchObject({ clockCorrected: true, measuredAtAsSent: slow.toISOString() });
    expect(Number(obs?.detail?.['clockOffsetSeconds'])).toBeLessThan(-3500);
  });

  it("HZ-20 R12 a skewed device's new clock offset is saved before its first reading is published (a redelivery after a crash gets the same time)", async () => {
    const { device, secret } = await fx.registry.provision({ kind: 'pulse-oximeter', id: 'ox-fast-clock' });
    await fx.registry.bind({
      deviceId: device.id,
      patientId: devices[2].patientId,
      from: new Date('2026-01-01T00:00:00Z'),
    });
    const c = await connectDevice(broker.url, device.id, secret);
    open.push(c);
    // The device's clock is 10 minutes fast: its readings are corrected by the offset learned from this message.
    const fast = new Date(Date.now() + 10 * 60_000);
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    const callsBefore = stream.publishCalls;
    const published = c.publishAsync(
      mqttTopics.readings(device.id),
      envelope(device.id, 1, [{ type: 'spo2', value: 95, unit: '%', measuredAt: fast.toISOString() }], fast),
      { qos: 1 },
    );
    try {
      await waitFor(() => stream.publishCalls > callsBefore, "the publish of the fast device's reading");
      // The readings are on their way to the stream (not yet acknowledged): the offset is already stored.
      const [saved] = await fx.ds.query(`SELECT offset_ms FROM device_clock_offsets WHERE device_id = $1`, [
        device.id,
      ]);
      expect(Number(saved?.offset_ms)).toBeGreaterThan(9 * 60_000);
      expect(Number(saved?.offset_ms)).toBeLessThan(11 * 60_000);
    } finally {
      stream.gate = null;
      release();
    }
    await published;
    expect(stream.observations().find((o) => o.id === `${device.id}:1:0`)?.detail).toMatchObject({
      clockCorrected: true,
    });
  });

  it('HZ-03 acknowledges a device publish (PUBACK) only after the stream publish resolved', async () => {
    const c = await device(1);
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    const callsBefore = stream.publishCalls;
    let acked = false;
    const published = c
      .publishAsync(
        mqttTopics.readings('ox-1'),
        envelope('ox-1', 1, [
          { type: 'heartRate', value: 80, unit: '/min', measuredAt: new Date().toISOString() },
        ]),
        { qos: 1 },
      )
      .then(() => (acked = true));
    await waitFor(() => stream.publishCalls > callsBefore, 'ingest to start publishing');
    // The publish is held open: the broker must not have been acknowledged yet.
    await new Promise((r) => setTimeout(r, 200));
    expect(acked).toBe(false);
    expect(stream.observations().some((o) => o.id === 'ox-1:1:0')).toBe(false);
    stream.gate = null;
    release();
    await published;
    expect(acked).toBe(true);
    expect(stream.observations().some((o) => o.id === 'ox-1:1:0')).toBe(true);
  });

  it('passes a store-and-forward batch of 100 once each, in event-time order, and ignores a redelivery of the same seq', async () => {
    const c = await device(2);
    const base = Date.now() - 3 * 3600_000;
    // Sent newest first, as some hubs do: ingest must publish them in event-time order.
    const measurements = Array.from({ length: 100 }, (_, i) => ({
      type: 'heartRate',
      value: 60 + (i % 30),
      unit: '/min',
      measuredAt: new Date(base + (99 - i) * 60_000).toISOString(),
    }));
    const payload = envelope('ox-2', 10, measurements);
    await c.publishAsync(mqttTopics.readings('ox-2'), payload, { qos: 1 });
    await c.publishAsync(mqttTopics.readings('ox-2'), payload, { qos: 1 });
    const mine = stream.observations().filter((o) => o.deviceId === 'ox-2');
    expect(mine).toHaveLength(100);
    expect(new Set(mine.map((o) => o.id)).size).toBe(100);
    const times = mine.map((o) => Date.parse(o.measuredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(service.counters.duplicates).toBeGreaterThanOrEqual(1);
  });

  it('HZ-04 HZ-13 D3 stores different content under a reused seq (a device whose counter reset) under ids of its own, and still absorbs the same bytes again', async () => {
    const c = await device(3);
    const first = envelope('ox-3', 77, [{ type: 'spo2', value: 97, unit: '%', measuredAt: atNow(-600_000) }]);
    const reused = envelope('ox-3', 77, [{ type: 'spo2', value: 91, unit: '%', measuredAt: atNow(-60_000) }]);
    const before = { ...service.counters };
    await c.publishAsync(mqttTopics.readings('ox-3'), first, { qos: 1 });
    await c.publishAsync(mqttTopics.readings('ox-3'), reused, { qos: 1 });
    await c.publishAsync(mqttTopics.readings('ox-3'), reused, { qos: 1 });
    await c.publishAsync(mqttTopics.readings('ox-3'), first, { qos: 1 });
    const published = stream.observations().filter((o) => o.messageId.startsWith('ox-3:77'));
    expect(published.map((o) => o.value)).toEqual([97, 91]);
    // Two readings, two ids: the reused seq's readings never take the first message's.
    expect(published[0].id).toBe('ox-3:77:0');
    expect(published[1].id).toMatch(/^ox-3:77~[0-9a-f]{12}:0$/);
    expect(published[1].detail).toMatchObject({ seqReused: true });
    expect((await deadLetters.list({ deviceId: 'ox-3' })).items).toEqual([]);
    expect(service.counters.seqReused - before.seqReused).toBe(1);
    expect(service.counters.duplicates - before.duplicates).toBe(2);
  });

  it('HZ-27 hears a rebinding through PostgreSQL NOTIFY: the next reading goes to the new patient, without a query per message', async () => {
    const c = await device(4);
    await c.publishAsync(
      mqttTopics.readings('ox-4'),
      envelope('ox-4', 900, [{ type: 'spo2', value: 96, unit: '%', measuredAt: atNow(-1000) }]),
      { qos: 1 },
    );
    expect(stream.observations().find((o) => o.messageId === 'ox-4:900')?.patientId).toBe(
      devices[4].patientId,
    );
    const next = await fx.patients.admit({
      nhsNumber: '9990000107',
      givenName: 'Rebound',
      familyName: 'Test',
      wardId: fx.wardId,
    });
    const seen = stores.directory.stats.invalidations;
    const switchAt = new Date();
    await fx.registry.unbind({ deviceId: 'ox-4', at: switchAt });
    await fx.registry.bind({ deviceId: 'ox-4', patientId: next.id, from: switchAt });
    for (let i = 0; i < 100 && stores.directory.stats.invalidations < seen + 2; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(stores.directory.stats.invalidations).toBeGreaterThanOrEqual(seen + 2);
    await c.publishAsync(
      mqttTopics.readings('ox-4'),
      envelope('ox-4', 901, [{ type: 'spo2', value: 95, unit: '%', measuredAt: atNow(500) }]),
      { qos: 1 },
    );
    expect(stream.observations().find((o) => o.messageId === 'ox-4:901')?.patientId).toBe(next.id);
    // Ten more readings are answered from memory: the directory reads the database once for the device.
    const loads = stores.directory.stats.loads;
    for (let seq = 902; seq < 912; seq += 1) {
      await c.publishAsync(
        mqttTopics.readings('ox-4'),
        envelope('ox-4', seq, [{ type: 'spo2', value: 95, unit: '%', measuredAt: atNow(1000 + seq) }]),
        { qos: 1 },
      );
    }
    expect(stores.directory.stats.loads - loads).toBe(0);
  });

  it("HZ-05 refuses every device publishing on every other device's topic (5×5 matrix) and devices subscribing", async () => {
    const before = stream.records.length;
    for (let a = 0; a < 5; a += 1) {
      for (let b = 0; b < 5; b += 1) {
        if (a === b) continue;
        const c = await connectDevice(broker.url, devices[a].id, devices[a].secret);
        const closed = new Promise<void>((r) => c.once('close', () => r()));
        c.publish(
          mqttTopics.readings(devices[b].id),
          envelope(devices[b].id, 1000 + a, [
            { type: 'spo2', value: 80, unit: '%', measuredAt: new Date().toISOString() },
          ]),
          { qos: 1 },
        );
        // aedes closes an MQTT 3.1.1 connection that publishes where it may not.
        await closed;
        c.end(true);
      }
    }
    const refusedPublishes = broker.refusals.filter((r) => r.action === 'publish');
    expect(refusedPublishes.length).toBeGreaterThanOrEqual(20);
    const sub = await connectDevice(broker.url, devices[0].id, devices[0].secret);
    open.push(sub);
    // SUBACK 0x80: mqtt.js turns the refused subscription into an error.
    await expect(sub.subscribeAsync(mqttTopics.readingsWildcard, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    expect(broker.refusals.some((r) => r.action === 'subscribe')).toBe(true);
    // Nothing forged reached the stream.
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.records.slice(before).filter((r) => r.topic === streamTopics.observations)).toHaveLength(0);
  });

  it('refuses a device with a wrong secret or an unknown id at connect', async () => {
    await expect(connectDevice(broker.url, 'ox-0', 'wrong')).rejects.toThrow();
    await expect(connectDevice(broker.url, 'nobody', 'x')).rejects.toThrow();
  });

  it('HZ-05 dead-letters a reading whose payload names another device', async () => {
    const c = await device(3);
    await c.publishAsync(
      mqttTopics.readings('ox-3'),
      envelope('ox-4', 1, [{ type: 'spo2', value: 97, unit: '%', measuredAt: new Date().toISOString() }]),
      { qos: 1 },
    );
    const [dl] = (await deadLetters.list({ deviceId: 'ox-3', reason: 'forged-topic' })).items;
    expect(dl.detail).toContain('ox-4');
    expect(stream.observations().some((o) => o.messageId === 'ox-4:1')).toBe(false);
  });

  it('HZ-13 dead-letters each kind of bad input with a specific reason, keeps the good measurements and keeps running', async () => {
    const topic = mqttTopics.readings('ox-4');
    // Over the packet limit, the broker refuses it unread and closes that connection (issue 12, D1);
    // it still becomes a dead letter.
    const big = await device(4);
    const bigClosed = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish(topic, Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    await bigClosed;
    const c = await device(4);
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await c.publishAsync(topic, '{"v":1,', { qos: 1 });
    await c.publishAsync(topic, JSON.stringify({ v: 1, deviceId: 'ox-4' }), { qos: 1 });
    await c.publishAsync(
      topic,
      envelope('ox-4', 50, [
        { type: 'spo2', value: 96, unit: '%', measuredAt: at(-120_000) },
        { type: 'spo2', value: 140, unit: '%', measuredAt: at(-110_000) },
        { type: 'heartRate', value: 72, unit: '/min', measuredAt: at(30 * 60_000) },
        { type: 'glucose', value: 5, measuredAt: at(-100_000) },
        { type: 'heartRate', value: 71, unit: '/min', measuredAt: at(-90_000) },
        {
          type: 'gatt',
          characteristic: '2A5E',
          data: Buffer.from([0x00, 0xff, 0x07, 0x48, 0x00]).toString('base64'),
          measuredAt: at(-80_000),
        },
      ]),
      { qos: 1 },
    );
    await waitFor(
      async () => (await deadLetters.list({ deviceId: 'ox-4', reason: 'oversize-payload' })).items.length > 0,
      "the broker's oversize dead letter",
    );
    // The HZ-05 matrix above left this device's topic-ACL refusals (D5) here too.
    const reasons = (await deadLetters.list({ deviceId: 'ox-4', limit: 50 })).items
      .map((d) => d.reason)
      .filter((reason) => reason !== 'acl-refused')
      .sort();
    expect(reasons).toEqual(
      [
        'future-timestamp',
        'implausible-value',
        'invalid-envelope',
        'invalid-measurement',
        'malformed-json',
        'oversize-payload',
        'special-value',
      ].sort(),
    );
    const good = stream
      .observations()
      .filter((o) => o.messageId === 'ox-4:50')
      .map((o) => o.value)
      .sort();
    // The oximeter's SpO2 was NaN (special value) but its pulse (72) was valid: the pulse survives.
    expect(good).toEqual([71, 72, 96]);

    // Unknown device: a provisioned device without a binding, and one that does not exist (via the service path).
    await fx.registry.provision({ kind: 'thermometer', id: 'tm-unbound' });
    const outcome = await service.handle(
      mqttTopics.readings('tm-unbound'),
      Buffer.from(
        envelope('tm-unbound', 1, [{ type: 'temperature', value: 37, unit: 'Cel', measuredAt: at(-1000) }]),
      ),
    );
    expect(outcome.rejections.map((r) => r.reason)).toEqual(['unbound-device']);
    const unknown = await service.handle(
      mqttTopics.readings('ghost'),
      Buffer.from(
        envelope('ghost', 1, [{ type: 'temperature', value: 37, unit: 'Cel', measuredAt: at(-1000) }]),
      ),
    );
    expect(unknown.rejections.map((r) => r.reason)).toEqual(['unknown-device']);

    // Still running: a good reading after all that still arrives.
    await c.publishAsync(
      topic,
      envelope('ox-4', 51, [{ type: 'spo2', value: 95, unit: '%', measuredAt: at(-1000) }]),
      { qos: 1 },
    );
    expect(stream.observations().some((o) => o.messageId === 'ox-4:51')).toBe(true);
  });

  it('records status heartbeats: last seen and battery', async () => {
    const c = await device(0);
    await c.publishAsync(
      mqttTopics.status('ox-0'),
      JSON.stringify({
        v: 1,
        deviceId: 'ox-0',
        sentAt: new Date().toISOString(),
        battery: 12,
        firmware: '2.1.0',
      }),
      { qos: 1 },
    );
    // Ingest publishes the heartbeat (the durable point); the scorer stores last seen and battery from it.
    const status = stream.records.find((r) => (r.value as { type: string }).type === 'device-status');
    expect(status?.value).toMatchObject({
      type: 'device-status',
      deviceId: 'ox-0',
      battery: 12,
      firmware: '2.1.0',
    });
    expect(Date.parse((status?.value as { receivedAt: string }).receivedAt)).toBeGreaterThan(
      Date.now() - 60_000,
    );
  });
});
