import fc from 'fast-check';
import { mqttTopics } from '@vigil/contracts';
import { DeadLettersRepository } from '@vigil/storage';
import { createIngestStores, IngestService } from '../../src/index';
import { createFixture, envelope, type Fixture, NHS_NUMBERS, RecordingStream } from './harness';

/**
 * HZ-13: mutated device payloads never crash ingest and never vanish. Every message ends either as
 * observations on the stream, as dead letters with a reason, or as a recognised duplicate.
 */
describe('HZ-13 fuzzing ingest with mutated payloads (real PostgreSQL)', () => {
  let fx: Fixture;
  let service: IngestService;
  let stores: ReturnType<typeof createIngestStores>;
  let stream: RecordingStream;
  let deadLetters: DeadLettersRepository;

  beforeAll(async () => {
    fx = await createFixture();
    const patient = await fx.patients.admit({
      nhsNumber: NHS_NUMBERS[0],
      givenName: 'F',
      familyName: 'Uzz',
      wardId: fx.wardId,
    });
    await fx.registry.provision({ kind: 'pulse-oximeter', id: 'ox-fuzz' });
    await fx.registry.bind({
      deviceId: 'ox-fuzz',
      patientId: patient.id,
      from: new Date('2020-01-01T00:00:00Z'),
    });
    stream = new RecordingStream();
    deadLetters = new DeadLettersRepository(fx.ds);
    stores = createIngestStores(fx.ds);
    service = new IngestService(stores, stream);
  });

  afterAll(async () => {
    await stores?.close();
    await fx?.close();
  });

  const now = Date.now();
  const validMeasurement = fc.oneof(
    fc.record({
      type: fc.constant('spo2'),
      value: fc.double({ min: 30, max: 110, noNaN: true }),
      unit: fc.constant('%'),
      measuredAt: fc
        .integer({ min: -86_400_000, max: 3_600_000 })
        .map((d) => new Date(now + d).toISOString()),
    }),
    fc.record({
      type: fc.constant('gatt'),
      characteristic: fc.constantFrom('2A35', '2A5E', '2A5F', '2A1C', '2A99'),
      data: fc.uint8Array({ minLength: 0, maxLength: 24 }).map((b) => Buffer.from(b).toString('base64')),
      measuredAt: fc.constant(new Date(now - 1000).toISOString()),
    }),
  );
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  let seq = 0;
  const payload = fc.oneof(
    fc.array(fc.oneof(validMeasurement, anyJson), { minLength: 1, maxLength: 6 }).map((ms) => {
      seq += 1;
      return Buffer.from(envelope('ox-fuzz', seq, ms));
    }),
    anyJson.map((j) => Buffer.from(JSON.stringify(j) ?? 'null')),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.string().map((s) => Buffer.from(s)),
  );
  const topic = fc.constantFrom(
    mqttTopics.readings('ox-fuzz'),
    mqttTopics.status('ox-fuzz'),
    mqttTopics.readings('not-provisioned'),
    'vigil/v1/devices/ox-fuzz/other',
  );

  it('never throws and accounts for every message', async () => {
    let expectedDeadLetters = 0;
    await fc.assert(
      fc.asyncProperty(topic, payload, async (t, p) => {
        const outcome = await service.handle(t, p);
        expectedDeadLetters += outcome.rejected;
        const accountedFor =
          outcome.accepted > 0 || outcome.rejected > 0 || outcome.duplicate || t.endsWith('/status');
        expect(accountedFor).toBe(true);
        for (const r of outcome.rejections) expect(r.detail.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 20261125 },
    );
    expect(await deadLetters.count()).toBe(expectedDeadLetters);
  });
});
