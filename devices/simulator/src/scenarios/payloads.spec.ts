import { measurementSchema, readingsEnvelopeSchema, type Measurement } from '@vigil/contracts';
import {
  chunkMeasurements,
  malformedPayload,
  measurementsFor,
  readingsEnvelope,
  type MalformedKind,
} from './payloads';
import type { Vitals } from './vitals';

const vitals: Vitals = {
  heartRate: 72,
  respiratoryRate: 16,
  spo2: 97,
  temperatureC: 37,
  systolic: 120,
  diastolic: 80,
};
const at = new Date('2026-11-30T10:00:00Z');

describe('payload builders', () => {
  it('thermometers that report Fahrenheit send [degF] values that convert back to the Celsius reading', () => {
    const [m] = measurementsFor('thermometer', 'json', vitals, at, { fahrenheit: true });
    const parsed = measurementSchema.parse(m);
    if (parsed.type !== 'temperature') throw new Error('expected a temperature');
    expect(parsed.unit).toBe('[degF]');
    expect(((parsed.value - 32) * 5) / 9).toBeCloseTo(37, 1);
  });

  it('each device kind measures its own parameters', () => {
    const types = (kind: Parameters<typeof measurementsFor>[0]) =>
      measurementsFor(kind, 'json', vitals, at).map((m) => m.type);
    expect(types('pulse-oximeter')).toEqual(['spo2', 'heartRate', 'respiratoryRate']);
    expect(types('blood-pressure')).toEqual(['bloodPressure']);
    expect(types('thermometer')).toEqual(['temperature']);
    expect(types('falls-sensor')).toEqual([]);
  });

  it('splits a backlog into envelopes of at most 500 measurements, in order', () => {
    const many: Measurement[] = Array.from({ length: 1200 }, (_, i) => ({
      type: 'heartRate',
      value: 60 + (i % 30),
      unit: '/min',
      measuredAt: new Date(at.getTime() + i * 1000).toISOString(),
    }));
    const chunks = chunkMeasurements(many);
    expect(chunks.map((c) => c.length)).toEqual([500, 500, 200]);
    expect(chunks.flat()).toEqual(many);
    for (const chunk of chunks)
      expect(readingsEnvelopeSchema.safeParse(readingsEnvelope('d', 1, at, chunk)).success).toBe(true);
  });

  it('every malformed kind fails the contract where it says it does', () => {
    const envelopeOk = (kind: MalformedKind) => {
      const text = malformedPayload(kind, 'ox-1', 5, at, vitals);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return 'not-json';
      }
      const envelope = readingsEnvelopeSchema.safeParse(json);
      if (!envelope.success) return 'bad-envelope';
      return envelope.data.measurements.every((m) => measurementSchema.safeParse(m).success)
        ? 'valid'
        : 'bad-measurement';
    };
    expect(envelopeOk('malformed-json')).toBe('not-json');
    expect(envelopeOk('invalid-envelope')).toBe('bad-envelope');
    expect(envelopeOk('invalid-measurement')).toBe('bad-measurement');
  });
});
