import { Registry } from 'prom-client';
import {
  type CanonicalObservation,
  expandVitalsEvent,
  mqttTopics,
  streamTopics,
  vitalsStreamEventSchema,
} from '@vigil/contracts';
import type { NewDeadLetter } from '@vigil/storage';
import type { DirectoryBinding } from './device-directory';
import { registerIngestMetrics } from './ingest.metrics';
import { IngestService, type IngestStores, type StreamPublisher } from './ingest.service';

const RECEIVED_AT = new Date('2026-11-25T10:00:00.000Z');
const PATIENT_ID = '5c1d8f0e-4b7a-4c2d-9e1f-0a3b4c5d6e7f';
const BOUND_FROM = new Date('2026-01-01T00:00:00.000Z');
const at = (msBefore: number) => new Date(RECEIVED_AT.getTime() - msBefore).toISOString();
const HUB_PATIENT_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const HUB_PATIENT_B = '0b0b0b0b-0000-4000-8000-00000000000b';
const HUB_REBOUND_AT = new Date('2026-11-25T09:00:00.000Z');

/** A hub relaying a cuff's Blood Pressure Measurement (120/80, MAP 93) stamped by the cuff's own clock. */
function relayedCuffReading(seq: number, cuffAt: string): Buffer {
  const t = new Date(cuffAt);
  const y = t.getUTCFullYear();
  const time = [
    y & 0xff,
    y >> 8,
    t.getUTCMonth() + 1,
    t.getUTCDate(),
    t.getUTCHours(),
    t.getUTCMinutes(),
    t.getUTCSeconds(),
  ];
  const data = Buffer.from([0x02, 0x78, 0x00, 0x50, 0x00, 0x5d, 0x00, ...time]).toString('base64');
  return Buffer.from(
    JSON.stringify({
      v: 1,
      deviceId: 'hub-1',
      seq,
      sentAt: RECEIVED_AT.toISOString(),
      measurements: [{ type: 'gatt', characteristic: '2A35', data, measuredAt: RECEIVED_AT.toISOString() }],
    }),
  );
}

/** The device directory and dead-letter store in memory: `ox-1` is an active pulse oximeter bound since January. */
class FakeStores implements IngestStores {
  readonly deadLetters: NewDeadLetter[] = [];

  async findDevice(deviceId: string) {
    if (deviceId === 'hub-1') return { id: 'hub-1', kind: 'hub' as const, status: 'active' as const };
    return deviceId === 'ox-1'
      ? { id: 'ox-1', kind: 'pulse-oximeter' as const, status: 'active' as const }
      : null;
  }

  async bindingsBetween(deviceId: string, _from: Date, to: Date): Promise<DirectoryBinding[]> {
    // hub-1 was patient A's until 09:00 on the day of receipt, and is patient B's since.
    if (deviceId === 'hub-1') {
      return [
        { patientId: HUB_PATIENT_A, validFrom: BOUND_FROM, validTo: HUB_REBOUND_AT },
        { patientId: HUB_PATIENT_B, validFrom: HUB_REBOUND_AT, validTo: null },
      ];
    }
    return deviceId === 'ox-1' && to >= BOUND_FROM
      ? [{ patientId: PATIENT_ID, validFrom: BOUND_FROM, validTo: null }]
      : [];
  }

  async insertDeadLetters(records: readonly NewDeadLetter[]): Promise<string[]> {
    this.deadLetters.push(...records);
    return records.map((_, i) => `dl-${this.deadLetters.length - records.length + i}`);
  }
}

/** Records what was published; `gate` holds the next publishes open, `fail` makes them fail. */
class FakeStream implements StreamPublisher {
  readonly records: { topic: string; value: unknown }[] = [];
  gate: Promise<void> | null = null;
  fail: Error | null = null;
  publishCalls = 0;

  async publish(topic: string, records: { key: string; value: unknown }[]): Promise<void> {
    this.publishCalls += 1;
    const fail = this.fail;
    if (this.gate) await this.gate;
    if (fail) throw fail;
    for (const r of records) this.records.push({ topic, value: JSON.parse(JSON.stringify(r.value)) });
  }

  observations(): CanonicalObservation[] {
    return this.records
      .filter((r) => r.topic === streamTopics.observations)
      .flatMap((r) => expandVitalsEvent(vitalsStreamEventSchema.parse(r.value)));
  }
}

function message(seq: number, measurements: { value: number; measuredAt: string }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      deviceId: 'ox-1',
      seq,
      sentAt: RECEIVED_AT.toISOString(),
      measurements: measurements.map((m) => ({ type: 'spo2', unit: '%', ...m })),
    }),
  );
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !predicate(); i += 1) await new Promise((r) => setImmediate(r));
  expect(predicate()).toBe(true);
}

describe('IngestService', () => {
  let stores: FakeStores;
  let stream: FakeStream;
  let service: IngestService;
  const topic = mqttTopics.readings('ox-1');

  beforeEach(() => {
    stores = new FakeStores();
    stream = new FakeStream();
    service = new IngestService(stores, stream, () => RECEIVED_AT);
  });

  it("HZ-05 a cuff reading from the cuff's memory is dated by the cuff, and refused (ambiguous-patient) when the hub's binding changed between the cuff's time and the hub's", async () => {
    const topic = mqttTopics.readings('hub-1');
    // Measured at 09:30 today (the hub already B's), relayed at 10:00: B's, dated 09:30.
    const memory = await service.handle(topic, relayedCuffReading(1, '2026-11-25T09:30:00.000Z'));
    expect(memory).toMatchObject({ accepted: 3, rejected: 0 });
    expect(stream.observations().map((o) => [o.patientId, o.measuredAt])).toEqual(
      Array(3).fill([HUB_PATIENT_B, '2026-11-25T09:30:00.000Z']),
    );
    // The cuff says yesterday (a memory from A's time, or a clock a day slow): neither A's nor B's for sure.
    const before = stream.observations().length;
    const ambiguous = await service.handle(topic, relayedCuffReading(2, '2026-11-24T11:58:00.000Z'));
    expect(ambiguous).toMatchObject({ accepted: 0, rejected: 3 });
    expect(ambiguous.rejections.map((r) => r.reason)).toEqual(Array(3).fill('ambiguous-patient'));
    expect(ambiguous.rejections[0].detail).toContain('whose reading it is cannot be told');
    expect(stream.observations()).toHaveLength(before);
    expect(stores.deadLetters.map((d) => d.reason)).toContain('ambiguous-patient');
  });

  it('HZ-04 HZ-13 D3 stores a reused seq with different content under ids of its own, flagged seqReused, and counts it; the first message’s redelivery stays a silent duplicate', async () => {
    const first = message(7, [{ value: 97, measuredAt: at(600_000) }]);
    const reused = message(7, [{ value: 91, measuredAt: at(60_000) }]);

    expect(await service.handle(topic, first)).toMatchObject({ accepted: 1, rejected: 0, duplicate: false });
    // A device whose counter reset: its new reading is stored and scored, never refused, never dropped.
    expect(await service.handle(topic, reused)).toMatchObject({ accepted: 1, rejected: 0, duplicate: false });
    expect(stores.deadLetters).toHaveLength(0);
    const [firstObs, reusedObs] = stream.observations();
    expect([firstObs.id, firstObs.value, firstObs.messageId]).toEqual(['ox-1:7:0', 97, 'ox-1:7']);
    // Not the first message's ids (the FHIR export and the scorer's logs key on them): the seq and a tag of its bytes.
    expect(reusedObs.value).toBe(91);
    expect(reusedObs.id).toMatch(/^ox-1:7~[0-9a-f]{12}:0$/);
    expect(reusedObs.messageId).toBe(reusedObs.id.slice(0, -2));
    expect(reusedObs.detail).toMatchObject({ seqReused: true });

    // The first message again is a redelivery: acknowledged, nothing published; so is the reused one again.
    const before = stream.records.length;
    for (const again of [first, reused]) {
      expect(await service.handle(topic, again)).toMatchObject({ accepted: 0, duplicate: true });
    }
    expect(stream.records).toHaveLength(before);

    expect(service.counters).toMatchObject({ seqReused: 1, duplicates: 2, rejected: 0, accepted: 2 });
    const registry = new Registry();
    registerIngestMetrics(registry, { counters: service.counters, mqtt: () => null });
    expect(await registry.metrics()).toContain('vigil_ingest_seq_reused_total 1');
  });

  it('HZ-04 D3 a reused seq arriving while the first message with that seq is still being published waits for it, then is stored under ids of its own', async () => {
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    const first = service.handle(topic, message(8, [{ value: 96, measuredAt: at(120_000) }]));
    await until(() => stream.publishCalls === 1);
    const reused = service.handle(topic, message(8, [{ value: 90, measuredAt: at(60_000) }]));
    await new Promise((r) => setImmediate(r));
    // Held behind the first: nothing of it published while the first is not durable.
    expect(stream.publishCalls).toBe(1);
    stream.gate = null;
    release();
    expect(await first).toMatchObject({ accepted: 1 });
    expect(await reused).toMatchObject({ accepted: 1, rejected: 0 });
    expect(stream.observations().map((o) => [o.value, o.id.startsWith('ox-1:8~')])).toEqual([
      [96, false],
      [90, true],
    ]);
  });

  it('HZ-04 HZ-03 a message waiting on a first copy of its (device, seq) that failed is handled afresh, never dropped as a duplicate', async () => {
    let release!: () => void;
    stream.gate = new Promise<void>((r) => (release = r));
    stream.fail = new Error('stream down');
    const payload = message(9, [{ value: 95, measuredAt: at(60_000) }]);
    const first = service.handle(topic, payload);
    await until(() => stream.publishCalls === 1);
    stream.fail = null;
    const again = service.handle(topic, payload);
    stream.gate = null;
    release();
    await expect(first).rejects.toThrow('stream down');
    expect(await again).toMatchObject({ accepted: 1, duplicate: false });
    expect(stream.observations().map((o) => o.id)).toEqual(['ox-1:9:0']);
  });

  it('HZ-13 a reading dated 1970 is dead-lettered past-timestamp, not unbound-device; one from before the binding is still unbound-device', async () => {
    const outcome = await service.handle(
      topic,
      message(10, [
        { value: 96, measuredAt: '1970-01-01T00:00:00.000Z' },
        { value: 95, measuredAt: at(330 * 86_400_000) },
        { value: 94, measuredAt: at(60_000) },
      ]),
    );
    expect(outcome.accepted).toBe(1);
    expect(outcome.rejections.map((r) => [r.reason, r.measurementIndex])).toEqual([
      ['past-timestamp', 0],
      ['unbound-device', 1],
    ]);
    expect(outcome.rejections[0].detail).toContain('1970-01-01T00:00:00.000Z');
    expect(outcome.rejections[0].detail).toContain('device clock');
    expect(stores.deadLetters.map((d) => d.reason)).toEqual(['past-timestamp', 'unbound-device']);
  });
});
