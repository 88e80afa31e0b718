/**
 * The distributed mode end to end, as docs/operations.md runs it: two ingest, two scorer and two api processes
 * (the built apps/*), a private Mosquitto, the Kafka broker and TimescaleDB that `npm test` starts (KAFKA_BROKERS,
 * TEST_TIMESCALE_URL; plain PostgreSQL when no TimescaleDB is given locally) and Redis. A device's reading
 * published to Mosquitto reaches a nurse's socket on either api instance, once each.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { mqttTopics, socketEvents } from '@vigil/contracts';
import { DeviceRegistryRepository, openDatabase, PatientsRepository, UsersRepository } from '@vigil/storage';
import { parseKafkaBrokers } from '@vigil/stream';
import {
  createTestDatabase,
  startMosquitto,
  type MosquittoInstance,
  type TestDatabase,
} from '@vigil/testing';
import { REPO_ROOT, ServiceProcess } from '../support/service-process';

jest.setTimeout(120_000);

const brokers = parseKafkaBrokers(process.env['KAFKA_BROKERS']);
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'http://console.test';
const PASSWORD = 'correct horse battery staple';
const INGEST = { username: 'vigil-ingest', password: 'distributed-e2e-ingest' };
/** Valid NHS numbers (mod-11 check digit) for the extra patients. */
const NHS_NUMBERS = ['9434765005', '9434765013', '9434765021', '9434765048', '9434765056', '9434765064'];

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login on ${url}: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

function connect(url: string, cookie: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    extraHeaders: { Cookie: cookie, Origin: ORIGIN },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function suite(): void {
  let db: TestDatabase;
  let mosquitto: MosquittoInstance;
  const services: ServiceProcess[] = [];
  const sockets: Socket[] = [];
  let apiUrls: string[] = [];
  let opsUrls: string[] = [];
  let device: { id: string; secret: string; patientId: string };
  /** More patients, spread over the partitions, for the scorer kill. */
  const others: { id: string; secret: string; patientId: string }[] = [];
  const scorers: ServiceProcess[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools/build.mjs'), '--quiet'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    const timescale = process.env['TEST_TIMESCALE_URL'];
    if (timescale) process.env['TEST_DATABASE_URL'] = timescale;
    db = await createTestDatabase('vigil_distributed');
    const seed = await openDatabase({ url: db.url, poolSize: 2 });
    try {
      const patients = new PatientsRepository(seed);
      const ward = await patients.createWard('Distributed ward');
      const patient = await patients.admit({
        nhsNumber: '9434765919',
        givenName: 'Dana',
        familyName: 'Distributed',
        wardId: ward.id,
      });
      await new UsersRepository(seed).create({
        username: 'nurse.d',
        displayName: 'Nurse D',
        role: 'nurse',
        wardIds: [ward.id],
        password: PASSWORD,
      });
      const registry = new DeviceRegistryRepository(seed);
      const { device: d, secret } = await registry.provision({ kind: 'falls-sensor' });
      await registry.bind({ deviceId: d.id, patientId: patient.id, from: new Date(Date.now() - 3_600_000) });
      device = { id: d.id, secret, patientId: patient.id };
      for (let i = 0; i < 6; i += 1) {
        const other = await patients.admit({
          nhsNumber: NHS_NUMBERS[i],
          givenName: `Other${i}`,
          familyName: 'Distributed',
          wardId: ward.id,
        });
        const provisioned = await registry.provision({ kind: 'falls-sensor' });
        await registry.bind({
          deviceId: provisioned.device.id,
          patientId: other.id,
          from: new Date(Date.now() - 3_600_000),
        });
        others.push({ id: provisioned.device.id, secret: provisioned.secret, patientId: other.id });
      }
    } finally {
      await seed.destroy();
    }
    mosquitto = await startMosquitto([
      INGEST,
      ...[device, ...others].map((d) => ({ username: d.id, password: d.secret })),
    ]);
    const common = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_POOL_SIZE: '3',
      STREAM_PARTITIONS: '4',
    };
    scorers.push(
      ...[1, 2].map(
        (n) =>
          new ServiceProcess(`scorer-${n}`, 'scorer', {
            ...common,
            OPS_PORT: '0',
            SCORER_TIMER_INTERVAL_MS: '5000',
          }),
      ),
    );
    const ingests = [1, 2].map(
      (n) =>
        new ServiceProcess(`ingest-${n}`, 'ingest', {
          ...common,
          OPS_PORT: '0',
          MQTT_URL: mosquitto.url,
          MQTT_USERNAME: INGEST.username,
          MQTT_PASSWORD: INGEST.password,
          MQTT_CLIENT_ID: `${db.name}-ingest-${n}`,
          MQTT_SHARED_SUBSCRIPTION: 'true',
        }),
    );
    const apis = [1, 2].map(
      (n) =>
        new ServiceProcess(`api-${n}`, 'api', {
          ...common,
          PORT: '0',
          REDIS_URL,
          ALLOWED_ORIGINS: ORIGIN,
          LOG_LEVEL: 'silent',
        }),
    );
    services.push(...scorers, ...ingests, ...apis);
    const opsPort = /"opsPort":(\d+)/;
    const ready = await Promise.all([
      ...scorers.map((s) => s.start(opsPort)),
      ...ingests.map((s) => s.start(opsPort)),
      ...apis.map((s) => s.start(/vigil-api: listening on (http:\/\/[^"\s]+)/)),
    ]);
    opsUrls = ready.slice(0, 4).map((m) => `http://127.0.0.1:${m[1]}`);
    apiUrls = ready.slice(4).map((m) => m[1]);
  }, 240_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(services.map((s) => s.stop()));
    await mosquitto?.stop();
    await db?.drop();
  }, 120_000);

  it('runs six healthy services: every ingest and scorer /health is up, every api /api/health sees Kafka', async () => {
    for (const url of opsUrls) {
      const response = await fetch(`${url}/health`);
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
    }
    for (const url of apiUrls) {
      const body = (await (await fetch(`${url}/api/health`)).json()) as {
        status: string;
        info: { stream: { adapter: string } };
      };
      expect(body.status).toBe('ok');
      expect(body.info.stream.adapter).toBe('kafka');
    }
  });

  type AlertSeen = { type: string; alert: { patientId: string; ruleId: string } };
  const received = new Map<string, AlertSeen[]>();

  async function publishFall(d: { id: string; secret: string }, seq: number): Promise<void> {
    const client = await mqtt.connectAsync(mosquitto.url, {
      username: d.id,
      password: d.secret,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    try {
      await client.publishAsync(
        mqttTopics.readings(d.id),
        JSON.stringify({
          v: 1,
          deviceId: d.id,
          seq,
          sentAt: new Date().toISOString(),
          measurements: [
            { type: 'fall', confidence: 0.97, measuredAt: new Date(Date.now() - 2_000).toISOString() },
          ],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }
  }

  /** Opened alerts per api for a patient. */
  const openedOn = (patientId: string): number[] =>
    [...received.values()].map(
      (events) => events.filter((e) => e.type === 'alert.opened' && e.alert.patientId === patientId).length,
    );

  it('a fall published to Mosquitto reaches the nurse on either api instance, once on each', async () => {
    for (const url of apiUrls) {
      const socket = await connect(url, await login(url, 'nurse.d'));
      sockets.push(socket);
      const events: AlertSeen[] = [];
      received.set(url, events);
      socket.on(socketEvents.alert, (event: AlertSeen) => events.push(event));
    }
    await publishFall(device, 1);
    const arrived = (): boolean =>
      [...received.values()].every((events) => events.some((e) => e.alert.patientId === device.patientId));
    const deadline = Date.now() + 60_000;
    while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!arrived()) {
      throw new Error(
        `no alert on every api: ${JSON.stringify([...received])}\n${services.map((s) => `--- ${s.name}\n${s.tail(10)}`).join('\n')}`,
      );
    }
    // Let any duplicate arrive before counting: sockets get events in order, so a later marker would do, but
    // there is none here; the scorers' next timer tick (5 s) is the bound.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [url, events] of received) {
      const opened = events.filter(
        (e) => e.type === 'alert.opened' && e.alert.patientId === device.patientId,
      );
      expect({ url, opened: opened.length, rule: opened[0]?.alert.ruleId }).toEqual({
        url,
        opened: 1,
        rule: 'fall',
      });
    }
  });

  it('kill -9 of a scorer: the other takes its partitions over; falls after the kill reach both apis, once', async () => {
    expect(received.size).toBe(2); // a socket on each api, from the test before
    const killedAt = Date.now();
    await scorers[0].stop('SIGKILL');
    // Six patients over four partitions: some belonged to the killed scorer, whose session must expire first.
    for (const [i, other] of others.entries()) await publishFall(other, 10 + i);
    const publishedAt = Date.now();
    const allArrived = (): boolean => others.every((o) => openedOn(o.patientId).every((n) => n >= 1));
    const deadline = Date.now() + 90_000;
    while (!allArrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const arrivedAt = Date.now();
    if (!allArrived()) {
      throw new Error(
        `lost after the scorer kill: ${JSON.stringify(others.map((o) => openedOn(o.patientId)))}\n${services.map((s) => `--- ${s.name}\n${s.tail(10)}`).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // 0 lost, 0 duplicated: exactly one opened alert per patient on each api.
    expect(others.map((o) => openedOn(o.patientId))).toEqual(others.map(() => [1, 1]));
    const health = await fetch(`${opsUrls[1]}/health`);
    expect(health.status).toBe(200);
    // The measurement the issue asks for (rebalance after a kill -9, with the scorer's 30 s session timeout).
    process.stdout.write(
      `[distributed] scorer kill -9: last of ${others.length} alerts on both apis ${arrivedAt - publishedAt} ms after publishing (${arrivedAt - killedAt} ms after the kill)\n`,
    );
  });
}

if (brokers.length > 0) {
  describe('distributed mode: 2 ingest, 2 scorer, 2 api on Kafka, Mosquitto, Redis and PostgreSQL', suite);
} else if (process.env['CI'] === 'true') {
  describe('distributed mode', () => {
    it('has a Kafka broker to run against', () => {
      throw new Error('KAFKA_BROKERS is not set: run the tests with `npm test`, which starts a broker');
    });
  });
} else {
  describe.skip('[SKIPPED: no KAFKA_BROKERS] distributed mode', suite);
}
