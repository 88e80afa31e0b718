import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { mqttTopics } from '@vigil/contracts';
import { connectDevice, createFixture, envelope, type Fixture, NHS_NUMBERS, waitFor } from './harness';
import { type MosquittoInstance, startMosquitto } from '@vigil/testing';

const SERVICE = { username: 'vigil-ingest', password: 'service-secret-for-crash-test' };
const DEVICES = 4;
const PER_DEVICE = 2500;
const TOTAL = DEVICES * PER_DEVICE;
const SUPPORT = join(__dirname, 'support');

interface IngestChild {
  process: ChildProcess;
  stderr(): string;
}

describe('ingest killed under load (child process, real Mosquitto and PostgreSQL)', () => {
  let fx: Fixture;
  let mosquitto: MosquittoInstance;
  const devices: { id: string; secret: string }[] = [];
  const children: ChildProcess[] = [];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    fx = await createFixture();
    await fx.ds.query(
      `CREATE TABLE hz03_deliveries (device_id text NOT NULL, seq integer NOT NULL, observation_id text NOT NULL)`,
    );
    for (let i = 0; i < DEVICES; i += 1) {
      const patient = await fx.patients.admit({
        nhsNumber: NHS_NUMBERS[i],
        givenName: `P${i}`,
        familyName: 'Crash',
        wardId: fx.wardId,
      });
      const { device, secret } = await fx.registry.provision({ kind: 'pulse-oximeter', id: `ox-${i}` });
      await fx.registry.bind({
        deviceId: device.id,
        patientId: patient.id,
        from: new Date('2026-01-01T00:00:00Z'),
      });
      devices.push({ id: device.id, secret });
    }
    mosquitto = await startMosquitto([
      SERVICE,
      ...devices.map((d) => ({ username: d.id, password: d.secret })),
    ]);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const c of clients) await c.endAsync(true);
    await mosquitto?.stop();
    await fx?.close();
  });

  /**
   * Starts an ingest child and resolves once it has subscribed (same client id: same session). The
   * timeouts here and below are generous on purpose: a restarted child works through its backlog before
   * mqtt.js reads the SUBACK, and other test suites share the two cores. A normal run takes 35–45 s.
   */
  function startIngest(clientId: string): Promise<IngestChild> {
    const child = spawn(
      process.execPath,
      ['-r', join(__dirname, '../../../../tools/register-ts.cjs'), join(SUPPORT, 'ingest-child.ts')],
      {
        env: {
          ...process.env,
          DATABASE_URL: fx.db.url,
          MQTT_URL: mosquitto.url,
          MQTT_USERNAME: SERVICE.username,
          MQTT_PASSWORD: SERVICE.password,
          MQTT_CLIENT_ID: clientId,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ingest child did not start: ${stderr}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve({ process: child, stderr: () => stderr });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`ingest child exited (${code}) before it was ready: ${stderr}`));
      });
    });
  }

  async function count(sqlText: string): Promise<number> {
    const [row] = (await fx.ds.query(sqlText)) as { n: string }[];
    return Number(row.n);
  }

  /** Publishes seq `from`..`to` from every device at QoS 1; returns the (device, seq) the broker PUBACKed. */
  async function publishRange(from: number, to: number): Promise<string[]> {
    const base = Date.now() - 3 * 3600_000;
    const acked: string[] = [];
    await Promise.all(
      devices.map(async (d, i) => {
        const client = clients[i];
        const sends: Promise<unknown>[] = [];
        for (let seq = from; seq <= to; seq += 1) {
          const measuredAt = new Date(base + seq * 1000).toISOString();
          const payload = envelope(d.id, seq, [
            { type: 'heartRate', value: 60 + (seq % 40), unit: '/min', measuredAt },
          ]);
          sends.push(
            client
              .publishAsync(mqttTopics.readings(d.id), payload, { qos: 1 })
              .then(() => acked.push(`${d.id}:${seq}`)),
          );
        }
        await Promise.all(sends);
      }),
    );
    return acked;
  }

  it('HZ-03 SIGKILL of ingest in the middle of a 10,000-reading run loses nothing PUBACKed and duplicates nothing downstream', async () => {
    // Two instances share the subscription, as in production; one of them is killed.
    const [victim, survivor] = await Promise.all([
      startIngest('vigil-ingest-a'),
      startIngest('vigil-ingest-b'),
    ]);
    for (const d of devices) clients.push(await connectDevice(mosquitto.url, d.id, d.secret));

    const half = PER_DEVICE / 2;
    const acked = await publishRange(1, half);
    await waitFor(
      async () => (await count(`SELECT count(*) AS n FROM hz03_deliveries`)) >= TOTAL / 4,
      'a quarter of the run',
      60_000,
    );
    victim.process.kill('SIGKILL');
    await new Promise((r) => victim.process.once('exit', r));
    const storedAtKill = await count(`SELECT count(DISTINCT (device_id, seq)) AS n FROM observations`);
    // Still in the middle: the broker holds the rest for the ingest session.
    expect(storedAtKill).toBeLessThan(TOTAL / 2);

    // Devices keep publishing while ingest is down; the persistent session queues it.
    acked.push(...(await publishRange(half + 1, PER_DEVICE)));
    expect(acked).toHaveLength(TOTAL);

    const restarted = await startIngest('vigil-ingest-a');
    await waitFor(
      async () => (await count(`SELECT count(DISTINCT (device_id, seq)) AS n FROM observations`)) >= TOTAL,
      'every acknowledged reading to be stored',
      90_000,
    );

    const rows = (await fx.ds.query(
      `SELECT device_id, seq, count(*) AS n FROM observations GROUP BY device_id, seq`,
    )) as { device_id: string; seq: number; n: string }[];
    const stored = new Set(rows.map((r) => `${r.device_id}:${r.seq}`));
    expect(acked.filter((k) => !stored.has(k))).toEqual([]);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(rows).toHaveLength(TOTAL);
    // Every delivery downstream (republishes after the crash included) was absorbed by the store's keys.
    expect(await count(`SELECT count(*) AS n FROM hz03_deliveries`)).toBeGreaterThanOrEqual(TOTAL);
    expect(await count(`SELECT count(*) AS n FROM dead_letters`)).toBe(0);

    for (const child of [restarted, survivor]) {
      child.process.kill('SIGTERM');
      await new Promise((r) => child.process.once('exit', r));
      expect(child.stderr()).not.toMatch(/failed/);
    }
  }, 240_000);
});
