import { canonicalObservationSchema } from '@vigil/contracts';
import { manualObservationEvents } from './manual-observation';

const base = {
  patientId: '6f1c1a52-8f0e-4c43-9c8e-0a3b7e2b8d11',
  enteredBy: 'user-1',
  messageId: '0b7c3e9e-2f5c-4d0e-9f6f-7a1c2d3e4f50',
  receivedAt: new Date('2026-01-01T10:00:05Z'),
};

describe('manualObservationEvents', () => {
  it('makes one canonical observation per field, source manual, coded values as ACVPU / air-oxygen', () => {
    const events = manualObservationEvents({
      ...base,
      request: {
        measuredAt: '2026-01-01T10:00:00Z',
        spo2: 94,
        consciousness: 'V',
        inspiredOxygen: 'air',
        temperature: 38.4,
      },
    });
    const obs = events.map((e) => e.observation);
    expect(obs.map((o) => [o.parameter, o.value, o.valueCode, o.unit])).toEqual([
      ['consciousness', 2, 'V', '{ACVPU}'],
      ['inspiredOxygen', 0, 'air', '{air-or-oxygen}'],
      ['spo2', 94, null, '%'],
      ['temperature', 38.4, null, 'Cel'],
    ]);
    for (const o of obs) {
      expect(canonicalObservationSchema.parse(o)).toEqual(o);
      expect(o).toMatchObject({
        source: 'manual',
        deviceId: null,
        enteredBy: 'user-1',
        seq: null,
        messageId: base.messageId,
      });
      expect(o.measuredAt).toBe('2026-01-01T10:00:00.000Z');
      expect(o.receivedAt).toBe('2026-01-01T10:00:05.000Z');
    }
    expect(obs.find((o) => o.parameter === 'spo2')?.loinc).toBe('59408-5');
  });

  it('derives ids from the message id, so a retried publish deduplicates', () => {
    const request = { measuredAt: '2026-01-01T10:00:00Z', heartRate: 80 };
    const a = manualObservationEvents({ ...base, request });
    const b = manualObservationEvents({ ...base, request });
    expect(a[0].observation.id).toBe(b[0].observation.id);
    expect(a[0].observation.id).toContain(base.messageId);
  });
});
