import { networkInterfaces } from 'node:os';
import { connect as connectTcp, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { MAX_PAYLOAD_BYTES, mqttTopics, streamTopics } from '@vigil/contracts';
import { DeadLettersRepository, DeviceRegistryRepository, openDatabase } from '@vigil/storage';
import { startMosquitto, startPartitionProxy } from '@vigil/testing';
import {
  type BrokerLimits,
  createIngestStores,
  type EmbeddedBroker,
  IngestService,
  startEmbeddedBroker,
} from '../../src/index';
import {
  connectDevice,
  createFixture,
  envelope,
  type Fixture,
  NHS_NUMBERS,
  RecordingStream,
  waitFor,
} from './harness';

// Issue 12: hostile clients and bad input at the broker and in ingest (D1, D2, D5, D6, D7).
const SERVICE = { username: 'vigil-ingest', password: 'service-secret-for-tests' };

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

function rawSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** An MQTT fixed header with the given type and announced remaining length. */
function fixedHeader(type: number, length: number): Buffer {
  const bytes = [type << 4];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

function tryConnect(
  url: string,
  username: string,
  password: string,
): Promise<{ ok: boolean; code?: number }> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, {
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      clientId: `t-${Math.random()}`,
    });
    c.once('connect', () => {
      c.end(true);
      resolve({ ok: true });
    });
    c.once('error', (error: Error & { code?: number }) => {
      c.end(true);
      resolve({ ok: false, code: error.code });
    });
  });
}

describe('hardening: hostile clients and bad input (issue 12)', () => {
  let fx: Fixture;
  let stream: RecordingStream;
  let service: IngestService;
  let stores: ReturnType<typeof createIngestStores>;
  let deadLetters: DeadLettersRepository;
  const devices: { id: string; secret: string }[] = [];
  const brokers: EmbeddedBroker[] = [];
  const open: MqttClient[] = [];
  let verifications = 0;

  async function broker(limits: BrokerLimits = {}): Promise<EmbeddedBroker> {
    const started = await startEmbeddedBroker({
      port: 0,
      service: SERVICE,
      verifyDevice: (id, secret) => {
        verifications += 1;
        return fx.registry.verifySecret(id, secret);
      },
      onDeviceMessage: async (topic, payload) => {
        await service.handle(topic, payload);
      },
      onRefusal: (refusal) => service.recordBrokerRefusal(refusal),
      limits,
    });
    brokers.push(started);
    return started;
  }

  beforeAll(async () => {
    fx = await createFixture();
    deadLetters = new DeadLettersRepository(fx.ds);
    for (let i = 0; i < 4; i += 1) {
      const patient = await fx.patients.admit({
        nhsNumber: NHS_NUMBERS[i],
        givenName: `P${i}`,
        familyName: 'Test',
        wardId: fx.wardId,
      });
      const { device, secret } = await fx.registry.provision({ kind: 'pulse-oximeter', id: `hx-${i}` });
      await fx.registry.bind({
        deviceId: device.id,
        patientId: patient.id,
        from: new Date('2026-01-01T00:00:00Z'),
      });
      devices.push({ id: device.id, secret });
    }
    stream = new RecordingStream();
    stores = createIngestStores(fx.ds);
    service = new IngestService(stores, stream);
  });

  afterAll(async () => {
    await stores?.close();
    for (const c of open) c.end(true);
    for (const b of brokers) await b.close();
    await fx?.close();
  });

  it('HZ-14 ingest gives up on a database that stops answering: the dead letter fails after its bound instead of holding the message for ever', async () => {
    const proxy = await startPartitionProxy(fx.db.url);
    const ds = await openDatabase({ url: proxy.url, poolSize: 2 });
    const bounded = createIngestStores(ds, { statementTimeoutMs: 200 });
    try {
      await bounded.start();
      const partitioned = new IngestService(bounded, new RecordingStream());
      const topic = mqttTopics.readings(devices[0].id);
      proxy.swallow = true;
      const started = Date.now();
      // Malformed JSON is dead-lettered: that write is what meets the partition.
      await expect(partitioned.handle(topic, Buffer.from('{"not json'))).rejects.toThrow(
        /Query read timeout/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      proxy.swallow = false;
      // The stuck connection was discarded: the next rejection is written.
      const before = (await deadLetters.list({ deviceId: devices[0].id, reason: 'malformed-json' })).items
        .length;
      await partitioned.handle(topic, Buffer.from('{"not json either'));
      const after = (await deadLetters.list({ deviceId: devices[0].id, reason: 'malformed-json' })).items
        .length;
      expect(after).toBe(before + 1);
    } finally {
      proxy.swallow = false;
      await bounded.close();
      await ds.destroy();
      await proxy.close();
    }
  });

  it('D1: a 10 MB publish is refused by the embedded broker from its header: no PUBACK, nothing stored whole, a dead letter with its size', async () => {
    const b = await broker();
    const c = await connectDevice(b.url, devices[0].id, devices[0].secret);
    open.push(c);
    const observationsBefore = stream.observations().length;
    let acked = false;
    const closedOnce = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(
      mqttTopics.readings(devices[0].id),
      Buffer.alloc(10 * 1024 * 1024, 0x20),
      { qos: 1 },
      (error) => {
        if (!error) acked = true;
      },
    );
    await closedOnce;
    await waitFor(
      async () =>
        (await deadLetters.list({ deviceId: devices[0].id, reason: 'oversize-payload' })).items.length > 0,
      'the oversize dead letter',
    );
    const [letter] = (await deadLetters.list({ deviceId: devices[0].id, reason: 'oversize-payload' })).items;
    expect(acked).toBe(false);
    expect(letter.raw.length).toBe(0);
    expect(letter.rawSize).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    expect(letter.detail).toMatch(/refused unread/);
    expect(b.refusalCounts['oversize-packet']).toBe(1);
    expect(stream.observations().length).toBe(observationsBefore);
    const [{ n }] = await fx.ds.query(
      `SELECT coalesce(max(octet_length(raw)), 0)::int AS n FROM dead_letters`,
    );
    expect(n).toBeLessThanOrEqual(4096);
  });

  it('D1: the shipped Mosquitto config (max_packet_size) refuses a 10 MB publish before storing or forwarding it', async () => {
    const mosquitto = await startMosquitto([
      { username: 'hx-m', password: 'device-pw' },
      { username: 'vigil-ingest', password: 'svc-pw' },
    ]);
    try {
      const ingestSide = await connectDevice(mosquitto.url, 'vigil-ingest', 'svc-pw');
      open.push(ingestSide);
      const received: number[] = [];
      ingestSide.on('message', (_topic, payload) => received.push(payload.length));
      await ingestSide.subscribeAsync('vigil/v1/devices/+/readings', { qos: 1 });
      const device = await connectDevice(mosquitto.url, 'hx-m', 'device-pw');
      open.push(device);
      let acked = false;
      const closedOnce = new Promise<void>((resolve) => device.once('close', () => resolve()));
      device.publish(
        mqttTopics.readings('hx-m'),
        Buffer.alloc(10 * 1024 * 1024, 0x20),
        { qos: 1 },
        (error) => {
          if (!error) acked = true;
        },
      );
      await closedOnce;
      // A small message afterwards arrives: had the big one been forwarded, it would have arrived first.
      const again = await connectDevice(mosquitto.url, 'hx-m', 'device-pw');
      open.push(again);
      await again.publishAsync(mqttTopics.readings('hx-m'), 'small', { qos: 1 });
      await waitFor(() => received.length > 0, 'the small message');
      expect(acked).toBe(false);
      expect(received).toEqual([5]);
    } finally {
      await mosquitto.stop();
    }
  });

  it('D1: an oversize payload reaching ingest (an external broker) is dead-lettered with a bounded prefix, its size and hash', async () => {
    const payload = Buffer.alloc(MAX_PAYLOAD_BYTES + 1000, 0x7b);
    const outcome = await service.handle(mqttTopics.readings(devices[1].id), payload);
    expect(outcome.rejections.map((r) => r.reason)).toEqual(['oversize-payload']);
    const [letter] = (await deadLetters.list({ deviceId: devices[1].id, reason: 'oversize-payload' })).items;
    expect(letter.raw.length).toBe(4096);
    expect(letter.rawSize).toBe(payload.length);
    expect(letter.rawSha256).not.toBeNull();
    const event = stream.records.filter((r) => r.topic === streamTopics.deadLetters).at(-1)!.value as {
      rawBase64: string;
      rawSize: number;
    };
    expect(Buffer.from(event.rawBase64, 'base64').length).toBe(4096);
    expect(event.rawSize).toBe(payload.length);
  });

  it('D2: a half-sent 20 MiB CONNECT is cut off at its header, before the body is buffered', async () => {
    const b = await broker();
    const socket = await rawSocket(b.port);
    socket.write(Buffer.concat([fixedHeader(1, 20 * 1024 * 1024), Buffer.alloc(1000)]));
    await closed(socket);
    expect(b.refusalCounts['oversize-packet']).toBe(1);
  });

  it('D2: connections over the limit are closed at once; those within it stay open', async () => {
    const b = await broker({ connections: 2 });
    const first = await rawSocket(b.port);
    const second = await rawSocket(b.port);
    const third = await rawSocket(b.port);
    await closed(third);
    expect(first.destroyed).toBe(false);
    expect(second.destroyed).toBe(false);
    expect(b.refusalCounts['connection-limit']).toBe(1);
    first.destroy();
    second.destroy();
  });

  it('D2: one client address cannot take every connection slot (loopback, where the simulator runs, is exempt)', async () => {
    // A non-loopback address of this machine, so the broker sees a remote client.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!external) throw new Error('this test needs a non-loopback IPv4 address on the machine');
    const b = await startEmbeddedBroker({
      host: '0.0.0.0',
      port: 0,
      service: SERVICE,
      verifyDevice: async () => false,
      onDeviceMessage: async () => undefined,
      limits: { connectionsPerAddress: 2, connectTimeoutMs: 60_000 },
    });
    brokers.push(b);
    const first = await rawSocket(b.port, external);
    const second = await rawSocket(b.port, external);
    const third = await rawSocket(b.port, external);
    await closed(third);
    expect(first.destroyed).toBe(false);
    expect(second.destroyed).toBe(false);
    expect(b.refusalCounts['address-connection-limit']).toBe(1);
    const local = await Promise.all([1, 2, 3].map(() => rawSocket(b.port)));
    expect(local.every((socket) => !socket.destroyed)).toBe(true);
    // A slot freed is a slot again.
    first.destroy();
    await waitFor(async () => {
      const again = await rawSocket(b.port, external);
      const ok = await Promise.race([
        closed(again).then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 200)),
      ]);
      again.destroy();
      return ok;
    }, 'a freed slot');
    second.destroy();
    for (const socket of local) socket.destroy();
  });

  it('D2: a connection that never completes CONNECT is closed after the CONNECT timeout', async () => {
    const b = await broker({ connectTimeoutMs: 200 });
    const socket = await rawSocket(b.port);
    await closed(socket);
    await waitFor(() => b.refusalCounts['connect-timeout'] === 1, 'the connect-timeout refusal');
  });

  it("D5: a publish to another device's topic and a subscribe are dead-lettered as acl-refused", async () => {
    const b = await broker();
    const publisher = await connectDevice(b.url, devices[2].id, devices[2].secret);
    open.push(publisher);
    publisher.publish(mqttTopics.readings(devices[3].id), envelope(devices[3].id, 1, []), { qos: 0 });
    const subscriber = await connectDevice(b.url, devices[2].id, devices[2].secret);
    open.push(subscriber);
    subscriber.subscribe('vigil/v1/devices/#');
    await waitFor(
      async () =>
        (await deadLetters.list({ deviceId: devices[2].id, reason: 'acl-refused' })).items.length === 2,
      'two acl-refused dead letters',
    );
    const letters = (await deadLetters.list({ deviceId: devices[2].id, reason: 'acl-refused' })).items;
    expect(letters.map((l) => l.topic).sort()).toEqual(
      [mqttTopics.readings(devices[3].id), 'vigil/v1/devices/#'].sort(),
    );
    expect(letters.find((l) => l.topic === mqttTopics.readings(devices[3].id))!.raw.toString()).toContain(
      devices[3].id,
    );
  });

  it('D6: an unknown device id is verified against a dummy hash with the same parameters as a real one', async () => {
    const hashes: string[] = [];
    const registry = new DeviceRegistryRepository(fx.ds, async (hashed) => {
      hashes.push(hashed);
      return false;
    });
    expect(await registry.verifySecret('no-such-device', 'guess')).toBe(false);
    expect(await registry.verifySecret(devices[0].id, 'wrong')).toBe(false);
    expect(hashes).toHaveLength(2);
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(hashes[0])).toMatch(/^argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
    expect(params(hashes[0])).toBe(params(hashes[1]));
    expect(hashes[0]).not.toBe(hashes[1]);
  });

  it('D6: failed sign-ins are throttled per device id and per address; a throttled attempt checks no secret', async () => {
    const b = await broker({ loginFailuresPerDevice: 3, loginFailuresPerAddress: 5 });
    for (let i = 0; i < 3; i += 1) {
      expect(await tryConnect(b.url, devices[1].id, 'wrong')).toEqual({ ok: false, code: 4 });
    }
    const before = verifications;
    // Now even the right secret is refused, without a verification.
    expect(await tryConnect(b.url, devices[1].id, devices[1].secret)).toEqual({ ok: false, code: 5 });
    expect(verifications).toBe(before);
    // Another id still signs in, until this address has failed 5 times in all.
    expect(await tryConnect(b.url, devices[0].id, devices[0].secret)).toEqual({ ok: true });
    expect(await tryConnect(b.url, 'ghost-1', 'x')).toEqual({ ok: false, code: 4 });
    expect(await tryConnect(b.url, 'ghost-2', 'x')).toEqual({ ok: false, code: 4 });
    expect(await tryConnect(b.url, devices[0].id, devices[0].secret)).toEqual({ ok: false, code: 5 });
    expect(b.refusalCounts['login-throttled']).toBe(2);
  });

  it("D7: a pulse oximeter's fall is dead-lettered as wrong-device-kind; its SpO2 in the same message is kept", async () => {
    const measuredAt = new Date(Date.now() - 60_000).toISOString();
    const outcome = await service.handle(
      mqttTopics.readings(devices[3].id),
      Buffer.from(
        envelope(devices[3].id, 70, [
          { type: 'spo2', value: 95, unit: '%', measuredAt },
          { type: 'fall', confidence: 0.9, measuredAt },
        ]),
      ),
    );
    expect(outcome.accepted).toBe(1);
    expect(outcome.rejections).toEqual([
      expect.objectContaining({ reason: 'wrong-device-kind', measurementIndex: 1 }),
    ]);
    expect(stream.observations().some((o) => o.deviceId === devices[3].id && o.parameter === 'fall')).toBe(
      false,
    );
  });

  it('D7: a sentAt in year 9999 is dead-lettered as future-timestamp', async () => {
    const outcome = await service.handle(
      mqttTopics.readings(devices[3].id),
      Buffer.from(
        envelope(
          devices[3].id,
          71,
          [{ type: 'spo2', value: 95, unit: '%', measuredAt: new Date().toISOString() }],
          new Date('9999-01-01T00:00:00Z'),
        ),
      ),
    );
    expect(outcome.accepted).toBe(0);
    expect(outcome.rejections.map((r) => r.reason)).toEqual(['future-timestamp']);
    expect(outcome.rejections[0].detail).toMatch(/sentAt 9999-01-01/);
  });
});
