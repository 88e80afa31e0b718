import { readingsEnvelopeSchema } from '@vigil/contracts';
import type { DeviceConnection, DeviceConnectionOptions } from '../device/mqtt-device.client';
import { buildRoster } from '../scenarios/roster';
import { Fleet, type FleetDevice } from './fleet';
import { formatProgress, startProgress } from './progress';

/** An in-memory connection that acknowledges every publish at once. */
class FakeConnection implements DeviceConnection {
  connected = true;
  closed: boolean | null = null;
  readonly published: { topic: string; payload: string }[] = [];
  constructor(readonly options: DeviceConnectionOptions) {}
  isConnected(): boolean {
    return this.connected && this.closed === null;
  }
  publish(topic: string, payload: string): Promise<void> {
    if (this.closed !== null) return Promise.reject(new Error('closed'));
    this.published.push({ topic, payload });
    return Promise.resolve();
  }
  reconnects(): number {
    return 0;
  }
  interrupt(): void {
    this.connected = false;
  }
  close(force = false): Promise<void> {
    this.closed = force;
    return Promise.resolve();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function fleetFor(scenario: string, speed: number) {
  const patient = buildRoster(10, 2).find((p) => p.profile.scenario === scenario)!;
  const devices: FleetDevice[] = patient.devices.map((plan, i) => ({
    spec: {
      deviceId: `${plan.kind}-${i}`,
      kind: plan.kind,
      style: plan.style,
      profile: patient.profile,
      seed: i,
    },
    secret: 's',
  }));
  const connections = new Map<string, FakeConnection>();
  const fleet = new Fleet({
    mqttUrl: 'mqtt://unused',
    devices,
    patients: 1,
    speed,
    malformedShare: 0,
    connectStaggerMs: 0,
    connect: (options) => {
      const c = new FakeConnection(options);
      connections.set(options.deviceId, c);
      return c;
    },
  });
  return { fleet, connections };
}

describe('Fleet', () => {
  it('sends each device’s readings to its own topic and counts acknowledgements', async () => {
    const { fleet, connections } = fleetFor('stable', 50);
    await fleet.start();
    const readingsOf = (deviceId: string) =>
      connections.get(deviceId)!.published.filter((p) => p.topic === `vigil/v1/devices/${deviceId}/readings`);
    await until(() => [...connections.keys()].every((id) => readingsOf(id).length >= 2), 'two readings each');
    await fleet.stop(100);
    for (const [deviceId, connection] of connections) {
      const readings = connection.published.filter(
        (p) => p.topic === `vigil/v1/devices/${deviceId}/readings`,
      );
      expect(readings.length).toBeGreaterThanOrEqual(2);
      readings.forEach((r) =>
        expect(readingsEnvelopeSchema.parse(JSON.parse(r.payload)).deviceId).toBe(deviceId),
      );
      expect(connection.published.some((p) => p.topic === `vigil/v1/devices/${deviceId}/status`)).toBe(true);
      expect(connection.published.every((p) => p.topic.startsWith(`vigil/v1/devices/${deviceId}/`))).toBe(
        true,
      );
    }
    const stats = fleet.stats();
    expect(stats.acknowledged).toBe(stats.sent);
    expect(stats.pending).toBe(0);
  });

  it('offline scenario: the oximeter drops its connection without a DISCONNECT and sends nothing more', async () => {
    const { fleet, connections } = fleetFor('offline', 200); // 45 s of scenario time ≈ 225 ms
    await fleet.start();
    const ox = connections.get('pulse-oximeter-0')!;
    await until(() => ox.closed !== null, 'the oximeter to go silent');
    expect(ox.closed).toBe(true);
    const count = ox.published.length;
    await sleep(200);
    expect(ox.published.length).toBe(count);
    expect(fleet.stats().silent).toBe(1);
    expect(connections.get('blood-pressure-1')!.closed).toBeNull();
    await fleet.stop(100);
    expect(connections.get('blood-pressure-1')!.closed).toBe(false);
  });

  it('stops every timer on stop: nothing is published afterwards', async () => {
    const { fleet, connections } = fleetFor('deteriorating', 100);
    await fleet.start();
    await sleep(150);
    await fleet.stop(100);
    const counts = [...connections.values()].map((c) => c.published.length);
    await sleep(200);
    expect([...connections.values()].map((c) => c.published.length)).toEqual(counts);
  });

  it('refuses a speed that is not a positive number', () => {
    expect(() => new Fleet({ mqttUrl: 'x', devices: [], patients: 0, speed: 0 })).toThrow(RangeError);
    expect(() => new Fleet({ mqttUrl: 'x', devices: [], patients: 0, speed: Number.NaN })).toThrow(
      RangeError,
    );
  });
});

describe('Fleet and reading reminders (issue 13)', () => {
  const command = (deviceId: string, parameter: string, commandId = '0f8fad5b-d9cb-469f-a165-70867728950e') =>
    Buffer.from(
      JSON.stringify({
        v: 1,
        type: 'reading-due',
        commandId,
        deviceId,
        parameter,
        dueAt: '2026-12-01T08:00:00Z',
        overdueAt: '2026-12-01T08:30:00Z',
        issuedAt: '2026-12-01T08:01:00Z',
      }),
    );

  it('subscribes each device to its commands and answers a reminder with a reading, once per command id', async () => {
    // Slow scenario time: the scheduled readings do not come again during the test.
    const { fleet, connections } = fleetFor('stable', 0.001);
    await fleet.start();
    const [deviceId, ox] = [...connections.entries()].find(([id]) => id.startsWith('pulse-oximeter'))!;
    const readings = () => ox.published.filter((p) => p.topic === `vigil/v1/devices/${deviceId}/readings`);
    await until(() => readings().length === 1, 'the first scheduled reading');
    expect(ox.options.onCommand).toBeDefined();
    ox.options.onCommand!(command(deviceId, 'spo2'));
    expect(readings()).toHaveLength(2);
    const [reading] = readingsEnvelopeSchema.parse(JSON.parse(readings()[1].payload)).measurements as {
      type: string;
    }[];
    expect(['spo2', 'gatt']).toContain(reading.type);
    // Redelivered: the same command id is answered once.
    ox.options.onCommand!(command(deviceId, 'spo2'));
    expect(readings()).toHaveLength(2);
    // Not for this device, or a parameter it does not measure, or not a command: no reading.
    ox.options.onCommand!(command('someone-else', 'spo2', '1f8fad5b-d9cb-469f-a165-70867728950e'));
    ox.options.onCommand!(command(deviceId, 'bodyWeight', '2f8fad5b-d9cb-469f-a165-70867728950e'));
    ox.options.onCommand!(Buffer.from('not json'));
    expect(readings()).toHaveLength(2);
    expect(fleet.stats().reminded).toBe(1);
    await fleet.stop(0);
  });

  it('answers reminders that come together (one per parameter due) with one reading, and a later one with another', async () => {
    const { fleet, connections } = fleetFor('stable', 0.001);
    await fleet.start();
    const [deviceId, ox] = [...connections.entries()].find(([id]) => id.startsWith('pulse-oximeter'))!;
    const readings = () => ox.published.filter((p) => p.topic === `vigil/v1/devices/${deviceId}/readings`);
    await until(() => readings().length === 1, 'the first scheduled reading');
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-01T08:01:00Z'));
    try {
      ox.options.onCommand!(command(deviceId, 'spo2', '3f8fad5b-d9cb-469f-a165-70867728950e'));
      ox.options.onCommand!(command(deviceId, 'heartRate', '4f8fad5b-d9cb-469f-a165-70867728950e'));
      clock.mockReturnValue(Date.parse('2026-12-01T08:01:00.900Z'));
      ox.options.onCommand!(command(deviceId, 'respiratoryRate', '5f8fad5b-d9cb-469f-a165-70867728950e'));
      // One reading answers all three: the device measures everything it measures at once.
      expect(readings()).toHaveLength(2);
      expect(fleet.stats().reminded).toBe(3);
      clock.mockReturnValue(Date.parse('2026-12-01T08:16:00Z'));
      ox.options.onCommand!(command(deviceId, 'spo2', '6f8fad5b-d9cb-469f-a165-70867728950e'));
      expect(readings()).toHaveLength(3);
    } finally {
      clock.mockRestore();
      await fleet.stop(0);
    }
  });
});

describe('progress', () => {
  const stats = {
    patients: 40,
    devices: 121,
    connected: 120,
    silent: 1,
    sent: 500,
    measurements: 900,
    acknowledged: 495,
    pending: 5,
    malformed: 4,
    deadLettered: 3,
    reconnects: 2,
    retries: 1,
    dropped: 0,
    reminded: 0,
  };

  it('puts every count on one line', () => {
    expect(formatProgress(stats)).toBe(
      'patients 40 · devices 120/121 connected, 1 offline by scenario · sent 500 (900 measurements) · acked 495 · ' +
        'pending 5 · malformed sent 4, dead-lettered 3 · reconnects 2',
    );
    expect(formatProgress({ ...stats, deadLettered: null })).toContain('malformed sent 4 · ');
  });

  it('rewrites one line in place on a terminal, and writes plain lines otherwise', () => {
    const tty: string[] = [];
    startProgress({ isTTY: true, write: (s: string) => tty.push(s) }, () => stats).stop();
    expect(tty.every((s) => s.startsWith('\r\x1b[2K'))).toBe(true);
    expect(tty.at(-1)!.endsWith('\n')).toBe(true);
    expect(tty.slice(0, -1).some((s) => s.includes('\n'))).toBe(false);

    const plain: string[] = [];
    startProgress({ isTTY: false, write: (s: string) => plain.push(s) }, () => stats).stop();
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^\d{4}-\d\d-\d\dT.* patients 40 .*\n$/);
    expect(plain[0]).not.toContain('\r');
  });
});
