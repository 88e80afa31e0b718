import { openDatabase, PatientsRepository, UsersRepository } from '@vigil/storage';
import { InProcessStream } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { type RunningApi, startApiApp } from '../../src/api-app';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'http://console.test';
const PASSWORD = 'correct horse battery staple';

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

async function login(url: string, username: string): Promise<string> {
  const res = await request(url).post('/api/auth/login').send({ username, password: PASSWORD }).expect(200);
  return (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
}

describe('apps/api: two instances behind the Redis socket.io adapter', () => {
  let database: TestDatabase;
  let stream: InProcessStream;
  let one: RunningApi;
  let two: RunningApi;
  let wardId: string;
  let patientId: string;

  beforeAll(async () => {
    database = await createTestDatabase('vigil_api_app');
    const seed = await openDatabase({ url: database.url });
    const patients = new PatientsRepository(seed);
    wardId = (await patients.createWard('Ward R')).id;
    patientId = (
      await patients.admit({ nhsNumber: '9434765919', givenName: 'Ray', familyName: 'Redis', wardId })
    ).id;
    await new UsersRepository(seed).create({
      username: 'nurse.r',
      displayName: 'R',
      role: 'nurse',
      wardIds: [wardId],
      password: PASSWORD,
    });
    await seed.destroy();
    stream = new InProcessStream({ partitions: 2 });
    const start = (instanceId: string) =>
      startApiApp({
        databaseUrl: database.url,
        databasePoolSize: 3,
        stream,
        api: {
          allowedOrigins: [ORIGIN],
          cookieSecure: false,
          redisUrl: REDIS_URL,
          instanceId,
          logLevel: 'silent',
        },
        port: 0,
        host: '127.0.0.1',
      });
    one = await start(`one-${database.name}`);
    two = await start(`two-${database.name}`);
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await database?.drop();
  });

  it('serves health without a session and /metrics at the root', async () => {
    const health = await request(one.url).get('/api/health').expect(200);
    expect(health.body.status).toBe('ok');
    // Both instances share one in-process stream here: one alerts.events consumer each.
    expect(health.body.info.stream).toEqual({ status: 'up', adapter: 'in-process', consumers: 2 });
    const metrics = await request(one.url).get('/metrics').expect(200);
    expect(metrics.text).toContain('vigil_api_http_requests_total');
    await request(one.url).get('/api/patients').expect(401);
  });

  it('an alert action on one instance reaches a socket on the other exactly once; logout there closes it', async () => {
    const cookie = await login(one.url, 'nurse.r');
    const socket = await connect(one.url, cookie);
    const received: string[] = [];
    socket.on('alert', (e: { type: string }) => received.push(e.type));
    const closed = new Promise<string>((resolve) => socket.on('disconnect', resolve));

    const [{ id: alertId, attention_since: attentionSince }] = await one.dataSource.query(
      `INSERT INTO alerts (patient_id, ward_id, rule_id, rule_version, kind, severity, reason, opened_at, updated_at,
                           attention_since)
       VALUES ($1, $2, 'fall', 1, 'clinical', 'critical', 'Fall detected', now(), now(), now())
       RETURNING id, attention_since`,
      [patientId, wardId],
    );
    // HZ-10: what the nurse's page showed of it.
    const seen = { severity: 'critical', attentionSince: (attentionSince as Date).toISOString() };
    await request(two.url)
      .post(`/api/alerts/${alertId}/acknowledge`)
      .set('Cookie', cookie)
      .send({ seen })
      .expect(200);
    await request(two.url)
      .post(`/api/alerts/${alertId}/resolve`)
      .set('Cookie', cookie)
      .send({ note: 'false alarm', outcome: 'no-action', seen })
      .expect(200);
    await request(two.url).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    expect(await closed).toBe('io server disconnect');
    // Events on one socket arrive in order, so by the disconnect every alert event has arrived: once each.
    expect(received).toEqual(['alert.acknowledged', 'alert.resolved']);
  });
});
