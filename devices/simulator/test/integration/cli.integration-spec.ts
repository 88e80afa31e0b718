import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { measurementSchema, mqttTopics, readingsEnvelopeSchema } from '@vigil/contracts';
import { buildProgram, type CliIo } from '../../src/cli/program';
import { readState } from '../../src/demo/state-file';
import { FakeVigilApi } from '../support/fake-vigil-api';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('simulator CLI: demo then run, against the real Mosquitto', () => {
  let api: FakeVigilApi;
  let apiUrl: string;
  let dir: string;
  let listener: MqttClient;
  const received: { deviceId: string; payload: string }[] = [];

  beforeAll(async () => {
    api = new FakeVigilApi();
    apiUrl = await api.start();
    dir = await mkdtemp(join(tmpdir(), 'vigil-sim-cli-'));
    listener = await mqtt.connectAsync(MQTT_URL, {
      clientId: `sim-cli-test-${randomBytes(4).toString('hex')}`,
    });
    listener.on('message', (topic, payload) => {
      const parsed = /^vigil\/v1\/devices\/([^/]+)\/readings$/.exec(topic);
      if (parsed && api.devices.some((d) => d.id === parsed[1])) {
        received.push({ deviceId: parsed[1], payload: payload.toString() });
      }
    });
    await listener.subscribeAsync(mqttTopics.readingsWildcard, { qos: 1 });
  });
  afterAll(async () => {
    await listener.endAsync();
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function io(controller: AbortController, out: string[]): CliIo {
    return {
      stdout: { isTTY: false, write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => out.push(s) },
      signal: controller.signal,
      plainProgressIntervalMs: 100,
    };
  }

  it('demo provisions through the API, saves the state and publishes valid readings until stopped; run reuses the state', async () => {
    const state = join(dir, 'state.json');
    const controller = new AbortController();
    const out: string[] = [];
    const running = buildProgram(io(controller, out)).parseAsync([
      'node',
      'sim',
      'demo',
      '--api-url',
      apiUrl,
      '--mqtt-url',
      MQTT_URL,
      '--username',
      'admin',
      '--password',
      'correct horse battery',
      '--patients',
      '2',
      '--wards',
      '1',
      '--state',
      state,
      '--speed',
      '20',
      '--malformed-share',
      '0',
    ]);
    await until(
      () => new Set(received.map((r) => r.deviceId)).size === api.devices.length && api.devices.length > 0,
      'readings from every device',
    );
    controller.abort();
    await running;

    expect(api.patients).toHaveLength(2);
    expect(new Set(api.patients.map((p) => p.wardId))).toEqual(new Set([api.wards[0].id]));
    const saved = (await readState(state))!;
    expect(saved.devices.map((d) => d.id).sort()).toEqual(api.devices.map((d) => d.id).sort());
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    for (const r of received) {
      const envelope = readingsEnvelopeSchema.parse(JSON.parse(r.payload));
      envelope.measurements.forEach((m) => measurementSchema.parse(m));
    }
    const text = out.join('');
    expect(text).toMatch(/demo ready: 2 patients on 1 ward/);
    expect(text).toMatch(/patients 2 · devices \d+\/\d+ connected/);
    // No patient identifiers in the output.
    for (const p of api.patients) expect(text).not.toContain(p.nhsNumber);

    const before = received.length;
    const provisioned = api.count('POST', '/api/devices');
    const again = new AbortController();
    const runOut: string[] = [];
    const replay = buildProgram(io(again, runOut)).parseAsync([
      'node',
      'sim',
      'run',
      '--state',
      state,
      '--mqtt-url',
      MQTT_URL,
      '--speed',
      '20',
    ]);
    await until(() => received.length >= before + saved.devices.length, 'readings from the replayed fleet');
    again.abort();
    await replay;
    expect(api.count('POST', '/api/devices')).toBe(provisioned);
    expect(runOut.join('')).toMatch(/acked [1-9]/);
  });
});
