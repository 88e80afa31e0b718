import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { Client } from 'pg';
import { mqttTopics } from '@vigil/contracts';
import { AlertsEventsConsumer } from '@vigil/api';
import { IngestRunner } from '@vigil/ingest';
import { SCORER_DATABASE, ScorerRunner } from '@vigil/scorer';
import { PatientsRepository, type SqlDatabase } from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { provisionDevice } from '../../src/provisioning/provision-device';
import { type RunningVigil, startVigil } from '../../src/start-vigil';

const INDEX_HTML = '<!doctype html><html><head><title>Vigil test console</title></head><body></body></html>';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

jest.setTimeout(30_000);

describe('startVigil (the embedded runtime in one process)', () => {
  let db: TestDatabase;
  let consoleDir: string;
  let vigil: RunningVigil;
  let stopped = false;

  beforeAll(async () => {
    db = await createTestDatabase('vigil_app');
    consoleDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-'));
    await writeFile(path.join(consoleDir, 'index.html'), INDEX_HTML);
    await mkdir(path.join(consoleDir, 'assets'));
    await writeFile(path.join(consoleDir, 'assets', 'app-1234.js'), 'console.log("vigil")');
    vigil = await startVigil({
      databaseUrl: db.url,
      databaseStatementTimeoutMs: 20_000,
      httpPort: 0,
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir,
      demo: false,
      scorerTimerIntervalMs: 3_600_000,
      heartbeatIntervalMs: 0,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    if (!stopped) await vigil?.stop();
    await db?.drop();
    await rm(consoleDir, { recursive: true, force: true });
  });

  it('stores and scores a reading a provisioned, bound device publishes over MQTT', async () => {
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Integration ward');
    const patient = await patients.admit({
      nhsNumber: '9434765919',
      givenName: 'Test',
      familyName: 'Patient',
      wardId: ward.id,
    });
    const device = await provisionDevice(vigil.dataSource, { kind: 'pulse-oximeter', bind: '943 476 5919' });
    expect(device.patientId).toBe(patient.id);

    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: device.deviceId,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      // Bound from the moment of provisioning: a reading from before then would be dead-lettered as unbound.
      const measuredAt = new Date().toISOString();
      await client.publishAsync(
        mqttTopics.readings(device.deviceId),
        JSON.stringify({
          v: 1,
          deviceId: device.deviceId,
          seq: 1,
          sentAt: new Date().toISOString(),
          measurements: [
            { type: 'spo2', value: 91, unit: '%', measuredAt },
            { type: 'heartRate', value: 118, unit: '/min', measuredAt },
          ],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }

    // PUBACK comes only once the reading is durable and scored, but poll anyway: scoring is the scorer's job.
    const observations = await waitFor('observations', async () => {
      const rows: { parameter: string; value: number }[] = await vigil.dataSource.query(
        'SELECT parameter, value FROM observations WHERE patient_id = $1 ORDER BY parameter',
        [patient.id],
      );
      return rows.length === 2 ? rows : null;
    });
    expect(observations.map((o) => [o.parameter, Number(o.value)])).toEqual([
      ['heartRate', 118],
      ['spo2', 91],
    ]);
    const score = await waitFor('a NEWS2 score', async () => {
      const rows: { total: number; partial: boolean }[] = await vigil.dataSource.query(
        'SELECT total, partial FROM news2_scores WHERE patient_id = $1 ORDER BY scored_at DESC LIMIT 1',
        [patient.id],
      );
      return rows[0] ?? null;
    });
    // SpO2 91 on scale 1 scores 3, pulse 118 scores 2; respiration, BP, temperature and consciousness are missing.
    expect(Number(score.total)).toBe(5);
    expect(score.partial).toBe(true);
  });

  it("a stranger's device: mosquitto_pub with the CLI's credentials and the payload from docs/device-protocol.md", async () => {
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Mosquitto_pub ward');
    const patient = await patients.admit({
      nhsNumber: '9990000018',
      givenName: 'Stranger',
      familyName: 'Device',
      wardId: ward.id,
    });
    const device = await provisionDevice(vigil.dataSource, { kind: 'pulse-oximeter', bind: patient.id });
    // The doc's own shell block, run as written: only the placeholders and the port are filled in.
    const doc = await readFile(path.join(__dirname, '../../../../docs/device-protocol.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Trying it with your own device'));
    const block = /```sh\n(DEVICE=[\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const script = block!
      .replace(/^DEVICE=[^;]*; SECRET=[^;]*;/m, `DEVICE='${device.deviceId}'; SECRET='${device.secret}';`)
      .replace(/-p \d+/, `-p ${vigil.mqttPort}`);
    expect(script).toContain('mosquitto_pub');
    // The doc's `date` has whole seconds, and the binding starts at provisioning: as a person would, let
    // the clock pass the binding's second, or the reading is (rightly) dead-lettered as before the binding.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await promisify(execFile)('bash', ['-euc', script], { timeout: 15_000 });

    const stored = await waitFor('the reading', async () => {
      const rows: { parameter: string; value: number }[] = await vigil.dataSource.query(
        'SELECT parameter, value FROM observations WHERE patient_id = $1',
        [patient.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(stored.map((o) => [o.parameter, Number(o.value)])).toEqual([['spo2', 93]]);
  });

  it('acknowledges and dead-letters a reading from a device bound to nobody', async () => {
    const device = await provisionDevice(vigil.dataSource, { kind: 'pulse-oximeter' });
    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: device.deviceId,
      password: device.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const measuredAt = new Date().toISOString();
      await client.publishAsync(
        mqttTopics.readings(device.deviceId),
        JSON.stringify({
          v: 1,
          deviceId: device.deviceId,
          seq: 1,
          sentAt: measuredAt,
          measurements: [{ type: 'spo2', value: 97, unit: '%', measuredAt }],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }
    const rows: { reason: string }[] = await vigil.dataSource.query(
      'SELECT reason FROM dead_letters WHERE device_id = $1',
      [device.deviceId],
    );
    expect(rows.map((r) => r.reason)).toEqual(['unbound-device']);
  });

  it('provisions nothing when --bind names no admitted patient or an unknown kind is asked for', async () => {
    const before: { n: string }[] = await vigil.dataSource.query('SELECT count(*) AS n FROM devices');
    await expect(
      provisionDevice(vigil.dataSource, { kind: 'thermometer', bind: '401 023 2137' }),
    ).rejects.toThrow('no admitted patient with this NHS number');
    await expect(
      provisionDevice(vigil.dataSource, { kind: 'thermometer', bind: '1234567890' }),
    ).rejects.toThrow(/patient id \(uuid\) or a valid 10-digit NHS number/);
    await expect(provisionDevice(vigil.dataSource, { kind: 'toaster' })).rejects.toThrow(
      /unknown device kind/,
    );
    const after: { n: string }[] = await vigil.dataSource.query('SELECT count(*) AS n FROM devices');
    expect(after[0].n).toBe(before[0].n);
  });

  it("HZ-11 HZ-60 provision-device refuses the broker service account's username (the default and the configured MQTT_USERNAME), so it prints no credential or mosquitto_passwd line for it", async () => {
    const before: { n: string }[] = await vigil.dataSource.query('SELECT count(*) AS n FROM devices');
    await expect(
      provisionDevice(vigil.dataSource, { kind: 'pulse-oximeter', id: 'vigil-ingest' }),
    ).rejects.toThrow(
      'device id "vigil-ingest" is the MQTT username of a Vigil service account on the broker',
    );
    await expect(
      provisionDevice(
        vigil.dataSource,
        { kind: 'pulse-oximeter', id: 'mqtt-ingest-prod' },
        { serviceAccounts: ['mqtt-ingest-prod'] },
      ),
    ).rejects.toThrow('device id "mqtt-ingest-prod" is the MQTT username of a Vigil service account');
    const after: { n: string }[] = await vigil.dataSource.query('SELECT count(*) AS n FROM devices');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses a device with a wrong secret at the embedded broker', async () => {
    const device = await provisionDevice(vigil.dataSource, { kind: 'thermometer' });
    await expect(
      mqtt.connectAsync(vigil.mqttUrl, {
        username: device.deviceId,
        password: 'not-the-secret',
        protocolVersion: 4,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
  });

  it('HZ-14 serves ingest metrics on /metrics: messages handled and rejections by reason', async () => {
    const text = await (await fetch(`${vigil.httpUrl}/metrics`)).text();
    const value = (line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);
    // Earlier tests published readings and one from an unbound device.
    expect(value(/^vigil_ingest_messages_total (\d+)$/m)).toBeGreaterThanOrEqual(3);
    expect(value(/^vigil_ingest_rejections_total\{reason="unbound-device"\} (\d+)$/m)).toBeGreaterThanOrEqual(
      1,
    );
    // The api's own metrics are still there beside them.
    expect(text).toMatch(/^# TYPE vigil_api_http_requests_total counter$/m);
  });

  it("HZ-14 bounds each statement of the scorer's transactions by databaseStatementTimeoutMs", async () => {
    const scorerDatabase = vigil.app.get<SqlDatabase>(SCORER_DATABASE, { strict: false });
    const rows = await scorerDatabase.transaction((tx) =>
      tx.query<{ statement_timeout: string }>(`SHOW statement_timeout`),
    );
    expect(rows).toEqual([{ statement_timeout: '20s' }]);
  });

  it('answers /api/health', async () => {
    const response = await fetch(`${vigil.httpUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
  });

  it('serves the console index at / and falls back to it for client-side routes', async () => {
    for (const route of ['/', '/patients/8c1e5c2a-0000-4000-8000-000000000000', '/alerts']) {
      const response = await fetch(`${vigil.httpUrl}${route}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX_HTML);
    }
    const asset = await fetch(`${vigil.httpUrl}/assets/app-1234.js`);
    expect(await asset.text()).toBe('console.log("vigil")');
  });

  it('does not answer api, socket or metrics paths, or missing assets, with the console', async () => {
    for (const route of ['/api/no-such-route', '/assets/missing-5678.js']) {
      const response = await fetch(`${vigil.httpUrl}${route}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toBe(INDEX_HTML);
    }
    const metrics = await fetch(`${vigil.httpUrl}/metrics`);
    expect(await metrics.text()).not.toBe(INDEX_HTML);
  });

  it('stop() stops ingest, then the scorer, then the api, and closes the HTTP server, the broker and every database connection', async () => {
    const httpPort = vigil.httpPort;
    const mqttPort = vigil.mqttPort!;
    expect(await portOpen(httpPort)).toBe(true);
    expect(await portOpen(mqttPort)).toBe(true);
    // Ingest stops taking readings first; the scorer's last batch still has the api's alerts consumer to publish to.
    const order: string[] = [];
    for (const [name, runner] of [
      ['ingest', vigil.app.get(IngestRunner)],
      ['scorer', vigil.app.get(ScorerRunner)],
      ['api', vigil.app.get(AlertsEventsConsumer)],
    ] as const) {
      const stop = runner.onApplicationShutdown.bind(runner);
      jest.spyOn(runner, 'onApplicationShutdown').mockImplementation(async () => {
        order.push(name);
        await stop();
      });
    }
    await vigil.stop();
    stopped = true;
    expect(order).toEqual(['ingest', 'scorer', 'api']);
    expect(await portOpen(httpPort)).toBe(false);
    expect(await portOpen(mqttPort)).toBe(false);
    expect(vigil.dataSource.isInitialized).toBe(false);
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db.name],
      );
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await admin.end();
    }
    await expect(vigil.stop()).resolves.toBeUndefined();
  });
});
