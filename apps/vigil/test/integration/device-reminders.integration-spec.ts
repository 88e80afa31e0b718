/**
 * Issue 13, device reminders (docs/decisions/0006-device-commands.md), end to end with real components: the
 * scorer's schedule timer (fake clock, real PostgreSQL) decides a reading is due, the command goes over the
 * in-process stream (`devices.commands`), ingest's consumer publishes it through the real embedded broker, and
 * the device's own MQTT client receives it on `vigil/v1/devices/{id}/commands`. The broker lets a device
 * subscribe only to its own commands topic; another device's is refused and dead-lettered (HZ-60).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { DataSource } from 'typeorm';
import {
  type CanonicalObservation,
  deviceCommandSchema,
  type DeviceCommand,
  mqttTopics,
  streamTopics,
} from '@vigil/contracts';
import {
  createIngestStores,
  type EmbeddedBroker,
  IngestService,
  startEmbeddedBroker,
  subscribeDeviceCommands,
} from '@vigil/ingest';
import { applyTemplate, monitoringOf, PATHWAY_TEMPLATES } from '@vigil/pathways';
import { ScorerService, streamDeviceCommandsPublisher } from '@vigil/scorer';
import {
  DeadLettersRepository,
  DeviceCommandsRepository,
  DeviceRegistryRepository,
  openDatabase,
  PathwaysRepository,
  PatientsRepository,
  SqlDatabase,
} from '@vigil/storage';
import { createStream, type StreamPort } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

function connect(url: string, deviceId: string, secret: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId: `reminder-test-${deviceId}`,
      username: deviceId,
      password: secret,
      protocolVersion: 4,
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

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('device reminders: scorer → stream → ingest → embedded broker → device (fake clock, real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let stream: StreamPort;
  let broker: EmbeddedBroker;
  let stores: ReturnType<typeof createIngestStores>;
  let scorer: ScorerService;
  let now = T0;
  let patientId: string;
  const devices: Record<string, string> = {};
  const open: MqttClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('vigil_device_reminders');
    ds = await openDatabase({ url: db.url, poolSize: 6 });
    sql = new SqlDatabase(ds);
    const patients = new PatientsRepository(ds);
    const registry = new DeviceRegistryRepository(ds);
    const wardId = (await patients.createWard('Reminder ward')).id;
    const admitted = await patients.admit({
      nhsNumber: '9434765919',
      givenName: 'Rem',
      familyName: 'Inder',
      wardId,
    });
    patientId = admitted.id;
    await sql.query(`UPDATE patients SET admitted_at = $2 WHERE id = $1`, [patientId, new Date(T0)]);
    const plan = applyTemplate(PATHWAY_TEMPLATES['heart-failure']);
    await sql.transaction((tx) =>
      new PathwaysRepository().savePlan(tx, patientId, plan, monitoringOf(plan), [], {
        action: 'applied',
        by: 'dr-1',
        at: new Date(T0).toISOString(),
        reason: 'test admission',
        changes: {},
      }),
    );
    // The patient's oximeter (SpO2 and pulse) and cuff (BP and pulse); a thermometer bound to nobody.
    for (const [id, kind, bind] of [
      ['ox-rem', 'pulse-oximeter', true],
      ['bp-rem', 'blood-pressure', true],
      ['th-other', 'thermometer', false],
    ] as const) {
      const { secret } = await registry.provision({ kind, id });
      if (bind) await registry.bind({ deviceId: id, patientId, from: new Date('2026-01-01T00:00:00Z') });
      devices[id] = secret;
    }

    stream = createStream({});
    // Rejections are stored, then published to ingest.dead-letters: drain that topic as the runtime does.
    await stream.subscribe({
      topic: streamTopics.deadLetters,
      groupId: 'test-dead-letters',
      handle: async () => undefined,
    });
    stores = createIngestStores(ds);
    await stores.start();
    const ingest = new IngestService(stores, stream);
    broker = await startEmbeddedBroker({
      port: 0,
      service: { username: 'vigil-service', password: 'service-secret-for-tests' },
      verifyDevice: (id, secret) => registry.verifySecret(id, secret),
      onDeviceMessage: async (topic, payload) => void (await ingest.handle(topic, payload)),
      onRefusal: (refusal) => ingest.recordBrokerRefusal(refusal),
    });
    await subscribeDeviceCommands(stream, { publish: (topic, payload) => broker.publish(topic, payload) });
    scorer = new ScorerService(sql, async () => undefined, {
      clock: () => new Date(now),
      publishCommands: streamDeviceCommandsPublisher(stream),
    });
  });

  afterAll(async () => {
    for (const c of open) c.end(true);
    await stream?.close();
    await broker?.close();
    await stores?.close();
    await ds?.destroy();
    await db?.drop();
  });

  async function listen(deviceId: string): Promise<DeviceCommand[]> {
    const c = await connect(broker.url, deviceId, devices[deviceId]);
    open.push(c);
    const received: DeviceCommand[] = [];
    c.on('message', (topic, payload) => {
      expect(topic).toBe(mqttTopics.commands(deviceId));
      received.push(deviceCommandSchema.parse(JSON.parse(payload.toString('utf8'))));
    });
    const [granted] = await c.subscribeAsync(mqttTopics.commands(deviceId), { qos: 1 });
    expect(granted.qos).toBe(1);
    return received;
  }

  it('HZ-61 each device receives the reminders of the due readings it measures, once, and a new reading makes the next one', async () => {
    const ox = await listen('ox-rem');
    const bp = await listen('bp-rem');
    // Admission at T0, nothing measured: every reading of the heart-failure plan is due from admission.
    now = at(1);
    await scorer.runTimers();
    await waitFor(() => ox.length + bp.length >= 3, 'the three reminders');
    // SpO2 to the oximeter, BP to the cuff; the pulse to one of the two only (both measure two of the due
    // readings, so the first by id: the cuff). Nobody weighs: no weight reminder.
    expect(ox.map((c) => c.parameter)).toEqual(['spo2']);
    expect(bp.map((c) => c.parameter).sort()).toEqual(['heartRate', 'systolicBp']);
    expect(ox[0]).toMatchObject({
      v: 1,
      type: 'reading-due',
      deviceId: 'ox-rem',
      dueAt: new Date(T0).toISOString(),
    });

    // Later ticks decide the same reminders again: stored once by id, nothing is sent twice.
    now = at(5);
    await scorer.runTimers();
    const stored = await new DeviceCommandsRepository().forPatient(sql, patientId);
    expect(stored).toHaveLength(3);
    expect(stored.every((c) => c.publishedAt !== null)).toBe(true);

    // SpO2 and pulse measured at T0+10 min (event time): the next reminder is due 12 h after that.
    const reading = (parameter: 'spo2' | 'heartRate', value: number): CanonicalObservation => ({
      id: `obs-${parameter}`,
      patientId,
      deviceId: 'ox-rem',
      parameter,
      value,
      valueCode: null,
      unit: parameter === 'spo2' ? '%' : '/min',
      loinc: null,
      mdc: null,
      original: null,
      measuredAt: new Date(at(10)).toISOString(),
      receivedAt: new Date(at(10)).toISOString(),
      source: 'json',
      messageId: `ox-rem:${parameter}`,
      seq: null,
      detail: null,
      enteredBy: null,
    });
    now = at(11);
    await scorer.handleBatch([
      { type: 'observation', observation: reading('spo2', 96) },
      { type: 'observation', observation: reading('heartRate', 70) },
    ]);
    now = at(10 + 12 * 60 - 1);
    await scorer.runTimers();
    expect(await new DeviceCommandsRepository().forPatient(sql, patientId)).toHaveLength(3);
    now = at(10 + 12 * 60);
    await scorer.runTimers();
    await waitFor(() => ox.length + bp.length === 5, 'the next SpO2 and pulse reminders');
    const next = new Date(at(10 + 12 * 60)).toISOString();
    expect(ox[1]).toMatchObject({ parameter: 'spo2', dueAt: next });
    expect(bp[2]).toMatchObject({ parameter: 'heartRate', dueAt: next });
    // BP was reminded for its due time at admission and is still that reading: not sent again.
    expect(new Set([...ox, ...bp].map((c) => c.commandId)).size).toBe(5);
  });

  it("HZ-60 a device subscribing to another device's commands topic (or a wildcard) is refused and dead-lettered", async () => {
    const intruder = await connect(broker.url, 'th-other', devices['th-other']);
    open.push(intruder);
    // SUBACK 0x80: mqtt.js turns a refused subscription into an error.
    await expect(intruder.subscribeAsync(mqttTopics.commands('ox-rem'), { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await expect(intruder.subscribeAsync('vigil/v1/devices/+/commands', { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    const deadLetters = new DeadLettersRepository(ds);
    await waitFor(
      async () =>
        (await deadLetters.list({ deviceId: 'th-other', reason: 'acl-refused' })).items.length === 2,
      'two acl-refused dead letters',
    );
    const letters = (await deadLetters.list({ deviceId: 'th-other', reason: 'acl-refused' })).items;
    expect(letters.map((l) => l.topic).sort()).toEqual(
      [mqttTopics.commands('ox-rem'), 'vigil/v1/devices/+/commands'].sort(),
    );
    // Its own commands topic is allowed.
    const [granted] = await intruder.subscribeAsync(mqttTopics.commands('th-other'), { qos: 1 });
    expect(granted.qos).toBe(1);
    // And a device may still not publish to its own commands topic (only ingest sends commands).
    const closed = new Promise<void>((r) => intruder.once('close', () => r()));
    intruder.publish(mqttTopics.commands('th-other'), '{}', { qos: 1 });
    await closed;
    await waitFor(
      async () =>
        (await deadLetters.list({ deviceId: 'th-other', reason: 'acl-refused' })).items.length === 3,
      'the refused publish dead-lettered',
    );
    expect(
      broker.refusals.some((r) => r.action === 'publish' && r.topic === mqttTopics.commands('th-other')),
    ).toBe(true);
  });
});
