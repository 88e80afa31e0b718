import { decodeGattCharacteristic } from '@vigil/codecs';
import {
  MAX_FUTURE_SKEW_MS,
  deviceStatusSchema,
  measurementSchema,
  readingsEnvelopeSchema,
  type Measurement,
} from '@vigil/contracts';
import { deriveSeed } from '../scenarios/random';
import { buildRoster, type DevicePlan, type RosterPatient } from '../scenarios/roster';
import type { ScenarioKind } from '../scenarios/vitals';
import {
  DeviceSimulation,
  type OutgoingMessage,
  SCENARIO_TIMING,
  seqStartFromClock,
} from './device-simulation';

const roster = buildRoster(10, 11);
const patientWith = (scenario: ScenarioKind): RosterPatient =>
  roster.find((p) => p.profile.scenario === scenario)!;

function simulate(patient: RosterPatient, plan: DevicePlan, malformedShare = 0): DeviceSimulation {
  return new DeviceSimulation(
    {
      deviceId: `${plan.kind}-${patient.index}`,
      kind: plan.kind,
      style: plan.style,
      profile: patient.profile,
      seed: deriveSeed(11, patient.index, plan.kind),
    },
    { startSeq: 1000, malformedShare },
  );
}

/** Runs a device for `seconds` of scenario time from `start`, ticking as the fleet would. */
function run(
  sim: DeviceSimulation,
  seconds: number,
  start = new Date('2026-11-30T10:00:00Z'),
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let t = 0; t <= seconds; t += sim.readingIntervalSeconds) {
    const now = new Date(start.getTime() + t * 1000);
    out.push(...sim.readings(now, t));
    if (t % SCENARIO_TIMING.heartbeatInterval < sim.readingIntervalSeconds) {
      const hb = sim.heartbeat(now, t);
      if (hb) out.push(hb);
    }
  }
  return out;
}

function measurementsOf(message: OutgoingMessage): Measurement[] {
  const envelope = readingsEnvelopeSchema.parse(JSON.parse(message.payload));
  return envelope.measurements.map((m) => measurementSchema.parse(m));
}

describe('DeviceSimulation payloads', () => {
  const everyDevice = roster.flatMap((p) => p.devices.map((plan) => ({ p, plan })));

  it('every readings envelope and every measurement validates against the contracts', () => {
    for (const { p, plan } of everyDevice) {
      for (const message of run(simulate(p, plan), 180)) {
        if (message.channel === 'status') {
          expect(deviceStatusSchema.safeParse(JSON.parse(message.payload)).success).toBe(true);
          continue;
        }
        const envelope = readingsEnvelopeSchema.parse(JSON.parse(message.payload));
        expect(envelope.deviceId).toBe(`${plan.kind}-${p.index}`);
        expect(envelope.measurements).toHaveLength(message.measurements);
        for (const m of envelope.measurements) {
          const parsed = measurementSchema.safeParse(m);
          expect(parsed.error?.issues ?? []).toEqual([]);
        }
      }
    }
  });

  it('seq increases by one with every message of a device, across readings and heartbeats', () => {
    for (const { p, plan } of everyDevice) {
      const seqs = run(simulate(p, plan, 0.05), 300).map((m) => m.seq);
      seqs.forEach((seq, i) => expect(seq).toBe(1000 + i));
      const inPayload = run(simulate(p, plan), 300)
        .filter((m) => m.malformed === null)
        .map((m) => (JSON.parse(m.payload) as { seq: number }).seq);
      expect(inPayload).toEqual([...inPayload].sort((a, b) => a - b));
    }
  });

  it('never stamps a measurement later than the time it is sent', () => {
    for (const { p, plan } of everyDevice) {
      for (const message of run(simulate(p, plan), 120).filter((m) => m.channel === 'readings')) {
        const sentAt = Date.parse((JSON.parse(message.payload) as { sentAt: string }).sentAt);
        for (const m of measurementsOf(message)) {
          expect(Date.parse(m.measuredAt)).toBeLessThanOrEqual(sentAt);
          expect(Date.parse(m.measuredAt) - sentAt).toBeLessThan(MAX_FUTURE_SKEW_MS);
        }
      }
    }
  });

  it('GATT hub: sends base64 0x2A35 and 0x2A5E values that decode to the patient’s vitals', () => {
    const p = patientWith('gatt');
    const [first] = simulate(p, p.devices[0]).readings(new Date(), 0);
    const gatt = measurementsOf(first).filter((m) => m.type === 'gatt');
    expect(gatt.map((m) => m.characteristic)).toEqual(['2A35', '2A5E']);
    const decoded = gatt.map((m) =>
      decodeGattCharacteristic(m.characteristic, Buffer.from(m.data, 'base64')),
    );
    const bp = decoded[0];
    const plx = decoded[1];
    if (bp.uuid !== '2A35' || plx.uuid !== '2A5E') throw new Error('unexpected characteristics');
    expect(bp.value.systolic).toMatchObject({ value: expect.any(Number) });
    const systolic = 'value' in bp.value.systolic ? bp.value.systolic.value : NaN;
    expect(systolic).toBeGreaterThan(100);
    expect(systolic).toBeLessThan(160);
    const spo2 = 'value' in plx.value.spo2 ? plx.value.spo2.value : NaN;
    expect(spo2).toBeGreaterThanOrEqual(95);
  });

  it('falls sensor: reports a fall with detected time, confidence and location after 20 s, once', () => {
    const p = patientWith('fall');
    const sim = simulate(
      p,
      p.devices.find((d) => d.style === 'falls')!,
    );
    const start = Date.parse('2026-11-30T10:00:00Z');
    const messages = run(sim, 120, new Date(start)).filter((m) => m.channel === 'readings');
    expect(messages).toHaveLength(1);
    const [fall] = measurementsOf(messages[0]);
    if (fall.type !== 'fall') throw new Error('expected a fall');
    expect(fall.confidence).toBeGreaterThan(0.8);
    expect(fall.confidence).toBeLessThanOrEqual(1);
    expect(fall.location).toEqual(expect.any(String));
    expect(Date.parse(fall.measuredAt)).toBeGreaterThanOrEqual(
      start + SCENARIO_TIMING.firstFallAt * 1000 - 2000,
    );
  });

  it('offline scenario: the oximeter stops readings and heartbeats after 45 s; other devices go on', () => {
    const p = patientWith('offline');
    const ox = simulate(
      p,
      p.devices.find((d) => d.kind === 'pulse-oximeter')!,
    );
    const now = new Date();
    expect(ox.readings(now, 30)).toHaveLength(1);
    expect(ox.heartbeat(now, 30)).not.toBeNull();
    expect(ox.isOffline(45)).toBe(true);
    expect(ox.readings(now, 46)).toEqual([]);
    expect(ox.heartbeat(now, 46)).toBeNull();
    const bp = simulate(
      p,
      p.devices.find((d) => d.kind === 'blood-pressure')!,
    );
    expect(bp.isOffline(600)).toBe(false);
    expect(bp.readings(now, 600)).toHaveLength(1);
  });

  it('backlog hub: holds readings for 60 s, then uploads them as one batch with their original measuredAt', () => {
    const p = patientWith('backlog');
    const sim = simulate(p, p.devices[0]);
    const start = Date.parse('2026-11-30T10:00:00Z');
    const held: OutgoingMessage[] = [];
    for (let t = 0; t < SCENARIO_TIMING.backlogUploadAt; t += sim.readingIntervalSeconds) {
      held.push(...sim.readings(new Date(start + t * 1000), t));
      expect(sim.heartbeat(new Date(start + t * 1000), t)).toBeNull();
    }
    expect(held).toEqual([]);
    const uploadAt = new Date(start + SCENARIO_TIMING.backlogUploadAt * 1000);
    const [batch] = sim.readings(uploadAt, SCENARIO_TIMING.backlogUploadAt);
    const measurements = measurementsOf(batch);
    const times = [...new Set(measurements.map((m) => Date.parse(m.measuredAt)))].sort((a, b) => a - b);
    expect(times).toHaveLength(7);
    expect(times[0]).toBe(start);
    expect(times.at(-1)).toBe(uploadAt.getTime());
    expect((JSON.parse(batch.payload) as { sentAt: string }).sentAt).toBe(uploadAt.toISOString());
    expect(sim.readings(new Date(uploadAt.getTime() + 10_000), 70)[0].measurements).toBe(5);
  });

  it('COPD devices report SpO2 within 88–92 % (the patient is on scale 2)', () => {
    const p = patientWith('copd');
    const ox = simulate(
      p,
      p.devices.find((d) => d.kind === 'pulse-oximeter')!,
    );
    const spo2 = run(ox, 300)
      .filter((m) => m.channel === 'readings')
      .flatMap(measurementsOf)
      .flatMap((m) => (m.type === 'spo2' ? [m.value] : []));
    expect(spo2.length).toBeGreaterThan(10);
    for (const v of spo2) expect(v >= 88 && v <= 92).toBe(true);
  });
});

describe('malformed share', () => {
  it('sends about 1 % malformed messages, each failing the contracts, tagged with why', () => {
    const p = patientWith('stable');
    let total = 0;
    const malformed: OutgoingMessage[] = [];
    for (let d = 0; d < 20; d++) {
      const sim = new DeviceSimulation(
        { deviceId: `ox-${d}`, kind: 'pulse-oximeter', style: 'json', profile: p.profile, seed: d },
        { startSeq: 0 },
      );
      for (let t = 0; t < 500; t++) {
        const out = sim.readings(new Date(), t);
        total += out.length;
        malformed.push(...out.filter((m) => m.malformed !== null));
      }
    }
    const share = malformed.length / total;
    expect(share).toBeGreaterThan(0.004);
    expect(share).toBeLessThan(0.02);
    for (const m of malformed) {
      let valid = true;
      try {
        const envelope = readingsEnvelopeSchema.parse(JSON.parse(m.payload));
        envelope.measurements.forEach((x) => measurementSchema.parse(x));
      } catch {
        valid = false;
      }
      expect(valid).toBe(false);
    }
    expect(new Set(malformed.map((m) => m.malformed)).size).toBe(3);
  });
});

describe('seqStartFromClock', () => {
  it('starts a restarted device above every seq it could have used before', () => {
    const before = seqStartFromClock(1_764_460_800_000);
    expect(seqStartFromClock(1_764_460_800_001)).toBeGreaterThanOrEqual(before + 1000);
    expect(Number.isSafeInteger(seqStartFromClock(Date.parse('2100-01-01T00:00:00Z')))).toBe(true);
  });
});
