import {
  alertSummarySchema,
  canonicalObservationSchema,
  deviceStatusSchema,
  measurementSchema,
  mqttTopics,
  parseDeviceTopic,
  PARAMETER_DEFINITIONS,
  PARAMETERS,
  readingsEnvelopeSchema,
  severityRank,
  vitalsStreamKey,
} from './index';

describe('device topics', () => {
  it('builds and parses a device topic round trip', () => {
    expect(parseDeviceTopic(mqttTopics.readings('cuff-001'))).toEqual({
      deviceId: 'cuff-001',
      channel: 'readings',
    });
    expect(parseDeviceTopic(mqttTopics.status('ox_2.a'))).toEqual({ deviceId: 'ox_2.a', channel: 'status' });
  });

  it.each([
    'vigil/v1/devices/+/readings',
    'vigil/v1/devices/#',
    'vigil/v2/devices/a/readings',
    'vigil/v1/devices/a/commands',
    'vigil/v1/devices/a/readings/extra',
    'vigil/v1/devices//readings',
    'other/v1/devices/a/readings',
    `vigil/v1/devices/${'x'.repeat(65)}/readings`,
  ])('refuses a topic that is not a device topic: %s', (topic) => {
    expect(parseDeviceTopic(topic)).toBeNull();
  });

  it('builds MQTT 5 shared-subscription filters', () => {
    expect(mqttTopics.shared(mqttTopics.readingsWildcard)).toBe(
      '$share/vigil-ingest/vigil/v1/devices/+/readings',
    );
  });
});

describe('readings envelope', () => {
  const envelope = {
    v: 1,
    deviceId: 'ox-1',
    seq: 7,
    sentAt: '2026-11-25T10:00:00Z',
    measurements: [{ type: 'spo2', value: 95, unit: '%', measuredAt: '2026-11-25T09:59:00Z' }],
  };

  it('accepts a valid envelope', () => {
    expect(readingsEnvelopeSchema.parse(envelope)).toEqual(envelope);
  });

  it.each([
    ['wrong version', { ...envelope, v: 2 }],
    ['negative seq', { ...envelope, seq: -1 }],
    ['fractional seq', { ...envelope, seq: 1.5 }],
    ['no measurements', { ...envelope, measurements: [] }],
    ['sentAt not an instant', { ...envelope, sentAt: 'yesterday' }],
    ['sentAt without offset', { ...envelope, sentAt: '2026-11-25T10:00:00' }],
    ['bad device id', { ...envelope, deviceId: 'a/b' }],
    ['too many measurements', { ...envelope, measurements: new Array(501).fill(envelope.measurements[0]) }],
  ])('rejects %s', (_name, bad) => {
    expect(readingsEnvelopeSchema.safeParse(bad).success).toBe(false);
  });

  it('validates each measurement kind on its own', () => {
    const at = '2026-11-25T09:59:00+00:00';
    expect(
      measurementSchema.safeParse({ type: 'heartRate', value: 70, unit: '/min', measuredAt: at }).success,
    ).toBe(true);
    expect(
      measurementSchema.safeParse({
        type: 'bloodPressure',
        systolic: 16,
        diastolic: 10,
        unit: 'kPa',
        measuredAt: at,
      }).success,
    ).toBe(true);
    expect(
      measurementSchema.safeParse({ type: 'temperature', value: 99, unit: 'F', measuredAt: at }).success,
    ).toBe(false);
    expect(measurementSchema.safeParse({ type: 'fall', confidence: 1.2, measuredAt: at }).success).toBe(
      false,
    );
    expect(measurementSchema.safeParse({ type: 'glucose', value: 5, measuredAt: at }).success).toBe(false);
    const gatt = measurementSchema.parse({
      type: 'gatt',
      characteristic: '0x2a35',
      data: 'AAEC',
      measuredAt: at,
    });
    expect(gatt.type === 'gatt' && gatt.characteristic).toBe('2A35');
    expect(
      measurementSchema.safeParse({ type: 'gatt', characteristic: '2A35', data: '@@', measuredAt: at })
        .success,
    ).toBe(false);
  });

  it('validates status heartbeats', () => {
    expect(
      deviceStatusSchema.safeParse({ v: 1, deviceId: 'a', sentAt: '2026-11-25T10:00:00Z', battery: 50 })
        .success,
    ).toBe(true);
    expect(
      deviceStatusSchema.safeParse({ v: 1, deviceId: 'a', sentAt: '2026-11-25T10:00:00Z', battery: 101 })
        .success,
    ).toBe(false);
  });
});

describe('parameters and observations', () => {
  it('defines every parameter with a canonical unit', () => {
    for (const p of PARAMETERS) {
      expect(PARAMETER_DEFINITIONS[p].parameter).toBe(p);
      expect(PARAMETER_DEFINITIONS[p].unit.length).toBeGreaterThan(0);
    }
    expect(PARAMETER_DEFINITIONS.spo2.loincAlso).toContain('2708-6');
  });

  it('keys observations by patient so one patient stays in order', () => {
    const observation = canonicalObservationSchema.parse({
      id: 'ox-1:7:0',
      patientId: '2f1d1a3c-8d2e-4a43-9d61-0b7a9c1e2f30',
      deviceId: 'ox-1',
      parameter: 'spo2',
      value: 95,
      valueCode: null,
      unit: '%',
      loinc: '59408-5',
      mdc: 'MDC_PULS_OXIM_SAT_O2',
      original: null,
      measuredAt: '2026-11-25T09:59:00Z',
      receivedAt: '2026-11-25T10:00:00Z',
      source: 'json',
      messageId: 'ox-1:7',
      seq: 7,
      detail: null,
      enteredBy: null,
    });
    expect(vitalsStreamKey({ type: 'observation', observation })).toBe(observation.patientId);
    expect(
      vitalsStreamKey({
        type: 'device-status',
        deviceId: 'ox-1',
        patientId: null,
        battery: 10,
        signalDbm: null,
        firmware: null,
        sentAt: '2026-11-25T10:00:00Z',
        receivedAt: '2026-11-25T10:00:00Z',
      }),
    ).toBe('device:ox-1');
  });

  it('orders severities most urgent first', () => {
    expect(severityRank('critical')).toBeLessThan(severityRank('high'));
    expect(severityRank('low')).toBeLessThan(severityRank('technical'));
    expect(alertSummarySchema.shape.state.options).toEqual(['open', 'acknowledged', 'escalated', 'resolved']);
  });
});
