import { canonicalObservationSchema, type ReadingsEnvelope } from '@vigil/contracts';
import { base64, hex } from '../test-helpers/bytes';
import { normaliseReadings } from './normalise-readings';

const RECEIVED = new Date('2024-03-15T10:31:00.000Z');
const MEASURED = '2024-03-15T10:30:00.000Z';
const deviceObservationSchema = canonicalObservationSchema.omit({ patientId: true });

function envelope(measurements: unknown[], deviceId = 'dev-1', seq = 7): ReadingsEnvelope {
  return { v: 1, deviceId, seq, sentAt: '2024-03-15T10:30:30Z', measurements };
}

function run(measurements: unknown[], context: { receivedAt?: Date; topicDeviceId?: string } = {}) {
  const result = normaliseReadings(envelope(measurements), { receivedAt: RECEIVED, ...context });
  for (const o of result.observations) deviceObservationSchema.parse(o);
  return result;
}

const gatt = (characteristic: string, bytes: string, measuredAt = MEASURED) => ({
  type: 'gatt',
  measuredAt,
  characteristic,
  data: base64(hex(bytes)),
});

describe('normaliseReadings: JSON measurements', () => {
  it('maps a heart rate to a complete canonical observation', () => {
    const { observations, rejections } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 72, unit: '/min' },
    ]);
    expect(rejections).toEqual([]);
    expect(observations).toEqual([
      {
        id: 'dev-1:7:0',
        deviceId: 'dev-1',
        parameter: 'heartRate',
        value: 72,
        valueCode: null,
        unit: '/min',
        loinc: '8867-4',
        mdc: 'MDC_PULS_RATE_NON_INV',
        original: null,
        measuredAt: MEASURED,
        receivedAt: RECEIVED.toISOString(),
        source: 'json',
        messageId: 'dev-1:7',
        seq: 7,
        detail: null,
        enteredBy: null,
      },
    ]);
  });

  it('maps respiratory rate, SpO2 and Celsius temperature as sent, with their codes', () => {
    const { observations } = run([
      { type: 'respiratoryRate', measuredAt: MEASURED, value: 18, unit: '/min' },
      { type: 'spo2', measuredAt: MEASURED, value: 96, unit: '%' },
      { type: 'temperature', measuredAt: MEASURED, value: 37.25, unit: 'Cel' },
    ]);
    expect(observations.map((o) => [o.id, o.parameter, o.value, o.unit, o.loinc, o.mdc, o.original])).toEqual(
      [
        ['dev-1:7:0', 'respiratoryRate', 18, '/min', '9279-1', 'MDC_RESP_RATE', null],
        ['dev-1:7:1', 'spo2', 96, '%', '59408-5', 'MDC_PULS_OXIM_SAT_O2', null],
        ['dev-1:7:2', 'temperature', 37.25, 'Cel', '8310-5', 'MDC_TEMP_BODY', null],
      ],
    );
  });

  it('converts °F to °C rounded to one decimal and keeps the original', () => {
    const { observations } = run([
      { type: 'temperature', measuredAt: MEASURED, value: 98.6, unit: '[degF]' },
      { type: 'temperature', measuredAt: MEASURED, value: 101.3, unit: '[degF]' },
    ]);
    expect(observations.map((o) => [o.value, o.unit, o.original])).toEqual([
      [37, 'Cel', { value: 98.6, unit: '[degF]' }],
      [38.5, 'Cel', { value: 101.3, unit: '[degF]' }], // 38.5 exactly: (101.3 − 32) × 5/9 = 38.50
    ]);
  });

  it('maps a blood pressure to systolic, diastolic, MAP and pulse with fixed sub-indexes', () => {
    const { observations } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 70, unit: '/min' },
      {
        type: 'bloodPressure',
        measuredAt: MEASURED,
        systolic: 128,
        diastolic: 82,
        meanArterialPressure: 97,
        pulseRate: 66,
        unit: 'mm[Hg]',
      },
    ]);
    expect(observations.map((o) => [o.id, o.parameter, o.value, o.unit, o.loinc, o.mdc])).toEqual([
      ['dev-1:7:0', 'heartRate', 70, '/min', '8867-4', 'MDC_PULS_RATE_NON_INV'],
      ['dev-1:7:1.0', 'systolicBp', 128, 'mm[Hg]', '8480-6', 'MDC_PRESS_BLD_NONINV_SYS'],
      ['dev-1:7:1.1', 'diastolicBp', 82, 'mm[Hg]', '8462-4', 'MDC_PRESS_BLD_NONINV_DIA'],
      ['dev-1:7:1.2', 'meanArterialPressure', 97, 'mm[Hg]', '8478-0', 'MDC_PRESS_BLD_NONINV_MEAN'],
      ['dev-1:7:1.3', 'heartRate', 66, '/min', '8867-4', 'MDC_PULS_RATE_NON_INV'],
    ]);
  });

  it('keeps the pulse id at sub-index 3 when MAP is absent', () => {
    const { observations } = run([
      {
        type: 'bloodPressure',
        measuredAt: MEASURED,
        systolic: 128,
        diastolic: 82,
        pulseRate: 66,
        unit: 'mm[Hg]',
      },
    ]);
    expect(observations.map((o) => o.id)).toEqual(['dev-1:7:0.0', 'dev-1:7:0.1', 'dev-1:7:0.3']);
  });

  it('converts kPa to mmHg (× 7.50061683, one decimal) keeping the original; the pulse is not converted', () => {
    const { observations } = run([
      {
        type: 'bloodPressure',
        measuredAt: MEASURED,
        systolic: 16,
        diastolic: 10.7,
        meanArterialPressure: 12.4,
        pulseRate: 70,
        unit: 'kPa',
      },
    ]);
    expect(observations.map((o) => [o.parameter, o.value, o.unit, o.original])).toEqual([
      ['systolicBp', 120, 'mm[Hg]', { value: 16, unit: 'kPa' }],
      ['diastolicBp', 80.3, 'mm[Hg]', { value: 10.7, unit: 'kPa' }],
      ['meanArterialPressure', 93, 'mm[Hg]', { value: 12.4, unit: 'kPa' }],
      ['heartRate', 70, '/min', null],
    ]);
  });

  it('maps a fall: value = confidence, unit 1, location in detail, source fall-sensor', () => {
    const { observations } = run([
      { type: 'fall', measuredAt: MEASURED, confidence: 0.92, location: 'bathroom' },
      { type: 'fall', measuredAt: MEASURED, confidence: 1 },
    ]);
    expect(
      observations.map((o) => [o.id, o.parameter, o.value, o.unit, o.loinc, o.mdc, o.source, o.detail]),
    ).toEqual([
      ['dev-1:7:0', 'fall', 0.92, '1', null, null, 'fall-sensor', { location: 'bathroom' }],
      ['dev-1:7:1', 'fall', 1, '1', null, null, 'fall-sensor', null],
    ]);
  });

  it('normalises measuredAt with an offset to UTC', () => {
    const { observations } = run([
      { type: 'spo2', measuredAt: '2024-03-15T11:30:00+01:00', value: 97, unit: '%' },
    ]);
    expect(observations[0].measuredAt).toBe('2024-03-15T10:30:00.000Z');
  });

  it('is deterministic', () => {
    const ms = [
      { type: 'bloodPressure', measuredAt: MEASURED, systolic: 16, diastolic: 10.7, unit: 'kPa' },
      gatt('2A5E', '00 | 61 00 | 44 00'),
    ];
    expect(run(ms)).toEqual(run(ms));
  });
});

describe('normaliseReadings: rejections', () => {
  it('rejects an invalid measurement with the zod issue and keeps the rest of the batch', () => {
    const { observations, rejections } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 72, unit: '/min' },
      { type: 'heartRate', measuredAt: MEASURED, value: '72', unit: '/min' },
      { type: 'spo2', measuredAt: MEASURED, value: 97, unit: '%' },
    ]);
    expect(observations.map((o) => o.id)).toEqual(['dev-1:7:0', 'dev-1:7:2']);
    expect(rejections).toEqual([
      {
        reason: 'invalid-measurement',
        detail: expect.stringMatching(/^measurement 1 \("heartRate"\) is invalid: value: .*expected number/),
        measurementIndex: 1,
      },
    ]);
  });

  it.each([
    [{ type: 'pulse', measuredAt: MEASURED, value: 72 }, /type: Invalid discriminator/],
    [{ type: 'spo2', measuredAt: 'yesterday', value: 97, unit: '%' }, /measuredAt: Invalid ISO datetime/],
    [{ type: 'temperature', measuredAt: MEASURED, value: 310, unit: 'K' }, /unit: /],
    [42, /\(root\): Invalid input: expected object/],
    [null, /\(root\)/],
  ])('rejects invalid measurement %p', (m, pattern) => {
    const { rejections } = run([m]);
    expect(rejections).toHaveLength(1);
    expect(rejections[0].reason).toBe('invalid-measurement');
    expect(rejections[0].measurementIndex).toBe(0);
    expect(rejections[0].detail).toMatch(pattern);
  });

  it('rejects an invalid envelope as a whole', () => {
    const bad = { ...envelope([]), seq: -1 } as ReadingsEnvelope;
    expect(normaliseReadings(bad, { receivedAt: RECEIVED })).toEqual({
      observations: [],
      rejections: [
        { reason: 'invalid-envelope', detail: expect.stringContaining('seq: '), measurementIndex: null },
      ],
    });
  });

  it('rejects an envelope whose deviceId is not the topic device', () => {
    const result = run([{ type: 'heartRate', measuredAt: MEASURED, value: 72, unit: '/min' }], {
      topicDeviceId: 'dev-2',
    });
    expect(result).toEqual({
      observations: [],
      rejections: [
        {
          reason: 'forged-topic',
          detail: 'envelope deviceId "dev-1" does not match the topic\'s device "dev-2"',
          measurementIndex: null,
        },
      ],
    });
    expect(
      run([{ type: 'spo2', measuredAt: MEASURED, value: 97, unit: '%' }], { topicDeviceId: 'dev-1' })
        .observations,
    ).toHaveLength(1);
  });

  it('HZ-23 R8 rejects only a physically impossible value, with the value and the possible range', () => {
    const { observations, rejections } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 400, unit: '/min' },
      { type: 'spo2', measuredAt: MEASURED, value: 101, unit: '%' },
    ]);
    expect(observations).toEqual([]);
    expect(rejections).toEqual([
      {
        reason: 'implausible-value',
        detail:
          'measurement 0 (heartRate): value 400 /min is physically impossible (outside 0–350 /min for heartRate)',
        measurementIndex: 0,
      },
      {
        reason: 'implausible-value',
        detail: 'measurement 1 (spo2): value 101 % is physically impossible (outside 0–100 % for spo2)',
        measurementIndex: 1,
      },
    ]);
  });

  it('HZ-23 R8 stores an extreme but possible value (SpO2 45 %, pulse 18) flagged implausible, never dead-lettered', () => {
    const { observations, rejections } = run([
      { type: 'spo2', measuredAt: MEASURED, value: 45, unit: '%' },
      { type: 'heartRate', measuredAt: MEASURED, value: 18, unit: '/min' },
      { type: 'heartRate', measuredAt: MEASURED, value: 72, unit: '/min' },
    ]);
    expect(rejections).toEqual([]);
    expect(observations.map((o) => [o.parameter, o.value, o.detail?.['implausible'] ?? false])).toEqual([
      ['spo2', 45, true],
      ['heartRate', 18, true],
      ['heartRate', 72, false],
    ]);
  });

  it('checks plausibility after unit conversion and says what was sent', () => {
    const { rejections } = run([{ type: 'temperature', measuredAt: MEASURED, value: 120, unit: '[degF]' }]);
    expect(rejections[0]).toMatchObject({ reason: 'implausible-value' });
    expect(rejections[0].detail).toBe(
      'measurement 0 (temperature): value 48.9 Cel (sent as 120 [degF]) is physically impossible (outside 15–47 Cel for temperature)',
    );
  });

  it('accepts the plausible range bounds inclusive', () => {
    const { observations } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 20, unit: '/min' },
      { type: 'heartRate', measuredAt: MEASURED, value: 300, unit: '/min' },
    ]);
    expect(observations.map((o) => o.value)).toEqual([20, 300]);
  });

  it('rejects the whole blood pressure when systolic or diastolic is impossible', () => {
    const { observations, rejections } = run([
      {
        type: 'bloodPressure',
        measuredAt: MEASURED,
        systolic: 450,
        diastolic: 80,
        meanArterialPressure: 93,
        pulseRate: 72,
        unit: 'mm[Hg]',
      },
    ]);
    expect(observations).toEqual([]);
    expect(rejections).toEqual([
      {
        reason: 'implausible-value',
        detail:
          'measurement 0 (bloodPressure): systolic 450 mm[Hg] is physically impossible (outside 0–400 mm[Hg] for systolicBp); the whole measurement is rejected (in range but not recorded: diastolic, meanArterialPressure, pulseRate)',
        measurementIndex: 0,
      },
    ]);
  });

  it('keeps systolic and diastolic when only MAP or the pulse is impossible', () => {
    const { observations, rejections } = run([
      {
        type: 'bloodPressure',
        measuredAt: MEASURED,
        systolic: 120,
        diastolic: 80,
        meanArterialPressure: 400,
        pulseRate: 700,
        unit: 'mm[Hg]',
      },
    ]);
    expect(observations.map((o) => o.parameter)).toEqual(['systolicBp', 'diastolicBp']);
    expect(rejections.map((r) => [r.reason, r.measurementIndex])).toEqual([
      ['implausible-value', 0],
      ['implausible-value', 0],
    ]);
    expect(rejections[0].detail).toContain('meanArterialPressure 400 mm[Hg]');
    expect(rejections[1].detail).toContain('pulseRate 700 /min');
    expect(rejections[1].detail).not.toContain('whole measurement');
  });

  it('HZ-20 R12 corrects measuredAt by a device clock offset of more than 5 minutes, and records and flags it', () => {
    const receivedAt = new Date(MEASURED);
    const slow = new Date(receivedAt.getTime() - 60 * 60_000).toISOString(); // device clock an hour slow
    const { observations, rejections } = normaliseReadings(
      {
        v: 1,
        deviceId: 'dev-1',
        seq: 9,
        sentAt: slow,
        measurements: [{ type: 'spo2', measuredAt: slow, value: 96, unit: '%' }],
      },
      { receivedAt },
    );
    expect(rejections).toEqual([]);
    expect(observations[0].measuredAt).toBe(receivedAt.toISOString());
    expect(observations[0].detail).toMatchObject({
      clockCorrected: true,
      clockOffsetSeconds: -3600,
      measuredAtAsSent: slow,
    });
    // A clock a minute off is within tolerance and left alone.
    const nearly = new Date(receivedAt.getTime() - 60_000).toISOString();
    const ok = normaliseReadings(
      {
        v: 1,
        deviceId: 'dev-1',
        seq: 10,
        sentAt: nearly,
        measurements: [{ type: 'spo2', measuredAt: nearly, value: 96, unit: '%' }],
      },
      { receivedAt },
    );
    expect(ok.observations[0].measuredAt).toBe(nearly);
    expect(ok.observations[0].detail?.['clockCorrected']).toBeUndefined();
  });

  it('rejects a blood pressure whose systolic is not above its diastolic', () => {
    const { observations, rejections } = run([
      { type: 'bloodPressure', measuredAt: MEASURED, systolic: 80, diastolic: 80, unit: 'mm[Hg]' },
    ]);
    expect(observations).toEqual([]);
    expect(rejections).toEqual([
      {
        reason: 'implausible-value',
        detail: expect.stringContaining('systolic 80 mm[Hg] is not above diastolic 80 mm[Hg]'),
        measurementIndex: 0,
      },
    ]);
  });

  it('rejects a measuredAt more than 5 minutes after receivedAt; exactly 5 minutes passes', () => {
    const { observations, rejections } = run([
      { type: 'heartRate', measuredAt: '2024-03-15T10:36:00.000Z', value: 72, unit: '/min' },
      { type: 'heartRate', measuredAt: '2024-03-15T10:36:00.001Z', value: 72, unit: '/min' },
    ]);
    expect(observations.map((o) => o.id)).toEqual(['dev-1:7:0']);
    expect(rejections).toEqual([
      {
        reason: 'future-timestamp',
        detail:
          'measurement 1 (heartRate): measuredAt 2024-03-15T10:36:00.001Z (from measuredAt) is 300.001 s after receivedAt 2024-03-15T10:31:00.000Z; at most 300 s allowed',
        measurementIndex: 1,
      },
    ]);
  });

  it('accepts readings from the past (late data is evaluated downstream)', () => {
    const { observations } = run([
      { type: 'spo2', measuredAt: '2024-03-01T00:00:00Z', value: 95, unit: '%' },
    ]);
    expect(observations).toHaveLength(1);
  });
});

describe('normaliseReadings: GATT pass-through', () => {
  const BP_FULL = '1E | 78 00 | 50 00 | 5D 00 | E8 07 03 0F 0A 1E 2D | 48 00 | 01 | 0C 00';

  it('decodes a blood pressure with timestamp, pulse, user and status', () => {
    const { observations, rejections } = run([gatt('2A35', BP_FULL, '2024-03-15T10:30:50Z')]);
    expect(rejections).toEqual([]);
    const detail = {
      userId: 1,
      bodyMovementDetected: false,
      cuffTooLoose: false,
      irregularPulseDetected: true,
      pulseRateRange: 'aboveUpperLimit',
      improperMeasurementPosition: false,
      measuredAtSource: 'gattTimestamp',
    };
    expect(
      observations.map((o) => [o.id, o.parameter, o.value, o.unit, o.mdc, o.measuredAt, o.source]),
    ).toEqual([
      [
        'dev-1:7:0.0',
        'systolicBp',
        120,
        'mm[Hg]',
        'MDC_PRESS_BLD_NONINV_SYS',
        '2024-03-15T10:30:45.000Z',
        'gatt-2a35',
      ],
      [
        'dev-1:7:0.1',
        'diastolicBp',
        80,
        'mm[Hg]',
        'MDC_PRESS_BLD_NONINV_DIA',
        '2024-03-15T10:30:45.000Z',
        'gatt-2a35',
      ],
      [
        'dev-1:7:0.2',
        'meanArterialPressure',
        93,
        'mm[Hg]',
        'MDC_PRESS_BLD_NONINV_MEAN',
        '2024-03-15T10:30:45.000Z',
        'gatt-2a35',
      ],
      [
        'dev-1:7:0.3',
        'heartRate',
        72,
        '/min',
        'MDC_PULS_RATE_NON_INV',
        '2024-03-15T10:30:45.000Z',
        'gatt-2a35',
      ],
    ]);
    for (const o of observations) expect(o.detail).toEqual(detail);
  });

  it('converts a kPa cuff to mmHg, keeping the original', () => {
    const { observations } = run([gatt('0x2a35', '01 | A0 F0 | 6B F0 | 7C F0')]);
    expect(observations.map((o) => [o.value, o.original])).toEqual([
      [120, { value: 16, unit: 'kPa' }],
      [80.3, { value: 10.7, unit: 'kPa' }],
      [93, { value: 12.4, unit: 'kPa' }],
    ]);
    expect(observations[0].measuredAt).toBe(MEASURED);
    expect(observations[0].detail).toEqual({ measuredAtSource: 'measuredAt' });
  });

  it.each([
    ['NaN', 'FF 07', 'not a number'],
    ['NRes', '00 08', 'not at this resolution'],
    ['+INF', 'FE 07', 'positive infinity'],
    ['-INF', '02 08', 'negative infinity'],
    ['RESERVED', '01 08', 'reserved for future use'],
  ])(
    'rejects a special %s systolic, never as a number, and the whole blood pressure with it',
    (special, word, meaning) => {
      const { observations, rejections } = run([gatt('2A35', `00 | ${word} | 50 00 | 5D 00`)]);
      expect(observations).toEqual([]);
      expect(rejections).toEqual([
        {
          reason: 'special-value',
          detail: `measurement 0 (gatt Blood Pressure Measurement (0x2A35)): systolic is the special value ${special} (${meaning}), not a reading; the whole measurement is rejected (in range but not recorded: diastolic, meanArterialPressure)`,
          measurementIndex: 0,
        },
      ]);
    },
  );

  it('rejects only the MAP when the cuff sends NaN for it', () => {
    const { observations, rejections } = run([gatt('2A35', '00 | 78 00 | 50 00 | FF 07')]);
    expect(observations.map((o) => o.parameter)).toEqual(['systolicBp', 'diastolicBp']);
    expect(rejections).toEqual([
      {
        reason: 'special-value',
        detail: expect.stringContaining('meanArterialPressure is the special value NaN'),
        measurementIndex: 0,
      },
    ]);
  });

  it('decodes a PLX spot-check: SpO2 and oximeter pulse, status in detail, GATT time', () => {
    const { observations, rejections } = run([
      gatt('2A5E', '0F | 61 00 | 44 00 | E8 07 03 0F 0A 1E 2D | 80 40 | 20 20 01 | 19 F0'),
    ]);
    expect(rejections).toEqual([]);
    expect(observations.map((o) => [o.id, o.parameter, o.value, o.unit, o.loinc, o.mdc, o.source])).toEqual([
      ['dev-1:7:0.0', 'spo2', 97, '%', '59408-5', 'MDC_PULS_OXIM_SAT_O2', 'gatt-2a5e'],
      ['dev-1:7:0.1', 'heartRate', 68, '/min', '8867-4', 'MDC_PULS_OXIM_PULS_RATE', 'gatt-2a5e'],
    ]);
    expect(observations[0].measuredAt).toBe('2024-03-15T10:30:45.000Z');
    expect(observations[0].detail).toEqual({
      validatedData: true,
      questionableMeasurementDetected: true,
      lowPerfusionDetected: true,
      sensorDisplaced: true,
      pulseAmplitudeIndex: 2.5,
      measuredAtSource: 'gattTimestamp',
    });
  });

  it('ignores the GATT timestamp when the device clock is not set', () => {
    const { observations } = run([gatt('2A5E', '11 | 61 00 | 44 00 | E8 07 03 0F 0A 1E 2D')]);
    expect(observations[0].measuredAt).toBe(MEASURED);
    expect(observations[0].detail).toEqual({
      deviceClockNotSet: true,
      gattTimestampIgnored: 'the device clock is not set',
      measuredAtSource: 'measuredAt',
    });
  });

  it.each([
    ['unknown year', '00 00 03 0F 0A 1E 2D', /unknown \(0\) year, month or day/],
    ['unknown month', 'E8 07 00 0F 0A 1E 2D', /unknown \(0\)/],
    ['unknown day', 'E8 07 03 00 0A 1E 2D', /unknown \(0\)/],
    ['30 February', 'E8 07 02 1E 0A 1E 2D', /2024-2-30 10:30:45 is not a valid date and time/],
  ])('falls back to measuredAt when the GATT timestamp has an %s', (_name, time, pattern) => {
    const { observations } = run([gatt('2A5E', `01 | 61 00 | 44 00 | ${time}`)]);
    expect(observations[0].measuredAt).toBe(MEASURED);
    expect(observations[0].detail?.gattTimestampIgnored).toMatch(pattern);
  });

  it('uses a GATT time of midnight (hours, minutes, seconds 0 are real values)', () => {
    const { observations } = run([
      gatt('2A5E', '01 | 61 00 | 44 00 | E8 07 03 0F 00 00 00', '2024-03-15T00:01:00Z'),
    ]);
    expect(observations[0].measuredAt).toBe('2024-03-15T00:00:00.000Z');
    expect(observations[0].detail?.measuredAtSource).toBe('gattTimestamp');
  });

  it('rejects a GATT reading more than 5 minutes in the future (hub and peripheral agreeing), saying where the time came from', () => {
    // The hub says 10:40, the oximeter 10:40:45: they agree, and both are after receipt at 10:31.
    const { rejections } = run([
      gatt('2A5E', '01 | 61 00 | 44 00 | E8 07 03 0F 0A 28 2D', '2024-03-15T10:40:00Z'),
    ]);
    expect(rejections).toEqual([
      {
        reason: 'future-timestamp',
        detail: expect.stringContaining(
          "(from the GATT timestamp, read as UTC (it agrees with the hub's measuredAt)) is 585 s after receivedAt",
        ),
        measurementIndex: 0,
      },
    ]);
  });

  it.each([
    ['measurementUnavailable', '00 20'],
    ['invalidMeasurementDetected', '00 80'],
    ['dataForDemonstration', '00 04'],
    ['dataForTesting', '00 08'],
  ])('rejects a PLX reading the device marks %s', (bit, status) => {
    const { observations, rejections } = run([gatt('2A5E', `02 | 61 00 | 44 00 | ${status}`)]);
    expect(observations).toEqual([]);
    expect(rejections).toEqual([
      {
        reason: 'special-value',
        detail: `measurement 0 (gatt PLX Spot-Check Measurement (0x2A5E)): the device marks the reading as not usable (PLX measurement status ${bit}); no observation made`,
        measurementIndex: 0,
      },
    ]);
  });

  it('rejects a special SpO2 but keeps the pulse of the same oximeter reading', () => {
    const { observations, rejections } = run([gatt('2A5E', '00 | 00 08 | 44 00')]);
    expect(observations.map((o) => [o.id, o.parameter])).toEqual([['dev-1:7:0.1', 'heartRate']]);
    expect(rejections).toEqual([
      {
        reason: 'special-value',
        detail:
          'measurement 0 (gatt PLX Spot-Check Measurement (0x2A5E)): spo2 is the special value NRes (not at this resolution), not a reading',
        measurementIndex: 0,
      },
    ]);
  });

  it('decodes a PLX continuous reading from SpO2PR-Normal only', () => {
    const { observations } = run([gatt('2A5F', '03 | 61 00 44 00 | 5A 00 50 00 | 62 00 43 00')]);
    expect(observations.map((o) => [o.parameter, o.value, o.mdc, o.source, o.measuredAt])).toEqual([
      ['spo2', 97, 'MDC_PULS_OXIM_SAT_O2', 'gatt-2a5f', MEASURED],
      ['heartRate', 68, 'MDC_PULS_OXIM_PULS_RATE', 'gatt-2a5f', MEASURED],
    ]);
  });

  it('rejects an implausible oximeter value after decoding', () => {
    const { observations, rejections } = run([gatt('2A5F', '00 | 2C 01 | 44 00')]); // SpO2 300
    expect(observations.map((o) => o.parameter)).toEqual(['heartRate']);
    expect(rejections[0]).toEqual({
      reason: 'implausible-value',
      detail:
        'measurement 0 (gatt PLX Continuous Measurement (0x2A5F)): spo2 300 % is physically impossible (outside 0–100 % for spo2)',
      measurementIndex: 0,
    });
  });

  it('decodes a Fahrenheit thermometer to Celsius with the original and the site', () => {
    const { observations } = run([gatt('2A1C', '07 | DA 03 00 FF | E8 07 03 0F 0A 1E 2D | 06')]);
    expect(observations).toEqual([
      expect.objectContaining({
        id: 'dev-1:7:0',
        parameter: 'temperature',
        value: 37,
        unit: 'Cel',
        original: { value: 98.6, unit: '[degF]' },
        mdc: 'MDC_TEMP_BODY',
        source: 'gatt-2a1c',
        measuredAt: '2024-03-15T10:30:45.000Z',
        detail: { temperatureType: 'mouth', measuredAtSource: 'gattTimestamp' },
      }),
    ]);
  });

  it('rejects a special thermometer value', () => {
    const { observations, rejections } = run([gatt('2A1C', '00 | FE FF 7F 00')]);
    expect(observations).toEqual([]);
    expect(rejections).toEqual([
      {
        reason: 'special-value',
        detail:
          'measurement 0 (gatt Temperature Measurement (0x2A1C)): temperature is the special value +INF (positive infinity), not a reading',
        measurementIndex: 0,
      },
    ]);
  });

  it('rejects an unsupported characteristic', () => {
    const { rejections } = run([gatt('2A37', '00 48')]);
    expect(rejections).toEqual([
      {
        reason: 'unsupported-characteristic',
        detail: expect.stringMatching(/^measurement 0 \(gatt 2A37\): unsupported GATT characteristic "2A37"/),
        measurementIndex: 0,
      },
    ]);
  });

  it.each([
    ['too short', '00 78 00', /need at least 7/],
    ['length mismatch', '02 | 78 00 50 00 5D 00', /flags 0x02 call for 14 bytes/],
    ['trailing bytes', '00 | 78 00 50 00 5D 00 | 00', /1 trailing byte/],
  ])('rejects a %s value as a codec error and keeps the rest of the batch', (_name, bytes, pattern) => {
    const { observations, rejections } = run([
      gatt('2A35', bytes),
      { type: 'spo2', measuredAt: MEASURED, value: 97, unit: '%' },
    ]);
    expect(observations.map((o) => o.id)).toEqual(['dev-1:7:1']);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ reason: 'codec-error', measurementIndex: 0 });
    expect(rejections[0].detail).toMatch(pattern);
  });

  it('a mixed batch with one bad measurement of each kind keeps every good one', () => {
    const { observations, rejections } = run([
      { type: 'heartRate', measuredAt: MEASURED, value: 72, unit: '/min' },
      { type: 'heartRate', measuredAt: MEASURED },
      gatt('2A5E', '00 | 61 00 | 44 00'),
      gatt('2A35', '00'),
      { type: 'temperature', measuredAt: MEASURED, value: 60, unit: 'Cel' },
      { type: 'fall', measuredAt: MEASURED, confidence: 0.8 },
      { type: 'spo2', measuredAt: '2030-01-01T00:00:00Z', value: 97, unit: '%' },
    ]);
    expect(observations.map((o) => o.id)).toEqual(['dev-1:7:0', 'dev-1:7:2.0', 'dev-1:7:2.1', 'dev-1:7:5']);
    expect(rejections.map((r) => [r.reason, r.measurementIndex])).toEqual([
      ['invalid-measurement', 1],
      ['codec-error', 3],
      ['implausible-value', 4],
      ['future-timestamp', 6],
    ]);
  });
});

describe("normaliseReadings: a peripheral's clock against the hub's (HZ-05, HZ-20)", () => {
  // A hub bound to patient A until 09:00 today and to B from then; ingest resolves the binding at each reading's
  // measuredAt, as this does.
  const TODAY = '2024-06-20';
  const patientAt = (measuredAt: string) =>
    Date.parse(measuredAt) < Date.parse(`${TODAY}T09:00:00Z`) ? 'A' : 'B';
  const NOW = `${TODAY}T11:58:00.000Z`;
  const RECEIPT = new Date(`${TODAY}T11:58:02Z`);

  const two = (n: number) => n.toString(16).padStart(2, '0');
  /** A 120/80 (MAP 93) blood pressure carrying the cuff's own Date Time (`at` as the cuff would show it, as UTC). */
  const bpAt = (at: string, userId?: number) => {
    const t = new Date(at);
    const y = t.getUTCFullYear();
    const time = [y & 0xff, y >> 8, t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes()]
      .concat(t.getUTCSeconds())
      .map(two)
      .join(' ');
    const flags = 0x02 | (userId === undefined ? 0 : 0x08);
    return `${two(flags)} | 78 00 50 00 5D 00 | ${time}${userId === undefined ? '' : ` | ${two(userId)}`}`;
  };
  /** The hub relays the cuff's value: `sentAt` and `measuredAt` on the hub's clock. */
  const relay = (hub: { sentAt: string; measuredAt: string }, cuffAt: string, clockOffsetMs?: number) => {
    const result = normaliseReadings(
      {
        v: 1,
        deviceId: 'hub-1',
        seq: 3,
        sentAt: hub.sentAt,
        measurements: [gatt('2A35', bpAt(cuffAt), hub.measuredAt)],
      },
      clockOffsetMs === undefined ? { receivedAt: RECEIPT } : { receivedAt: RECEIPT, clockOffsetMs },
    );
    for (const o of result.observations) deviceObservationSchema.parse(o);
    return result;
  };
  const hourMs = 3_600_000;
  const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

  it("HZ-05 HZ-20 a cuff clock a day behind dates its reading yesterday and names the hub's time, so ingest can see the hub's binding changed between them (it refuses it: ambiguous-patient)", () => {
    const yesterday = shift(NOW, -24 * hourMs);
    const { observations, rejections } = relay({ sentAt: NOW, measuredAt: NOW }, yesterday);
    expect(rejections).toEqual([]);
    expect(observations.map((o) => o.parameter)).toEqual([
      'systolicBp',
      'diastolicBp',
      'meanArterialPressure',
    ]);
    for (const o of observations) {
      expect(o.measuredAt).toBe(yesterday);
      // Yesterday the hub was A's, now it is B's: both times are there for ingest to compare.
      expect([patientAt(o.measuredAt), patientAt(NOW)]).toEqual(['A', 'B']);
      expect(o.detail).toEqual({
        measuredAtSource: 'gattTimestamp',
        hubMeasuredAt: NOW,
        gattClockDisagreementSeconds: -86400,
      });
    }
  });

  it("HZ-05 HZ-20 a hub clock 2 h slow does not shift a right cuff clock: the cuff's time is used as sent, not dead-lettered future-timestamp", () => {
    const hubSays = shift(NOW, -2 * hourMs);
    // The offset learned over the hub's messages, and (a new hub) only this message's own.
    for (const learned of [-2 * hourMs - 2000, undefined]) {
      const { observations, rejections } = relay({ sentAt: hubSays, measuredAt: hubSays }, NOW, learned);
      expect(rejections).toEqual([]);
      expect(observations).toHaveLength(3);
      for (const o of observations) {
        expect(o.measuredAt).toBe(NOW);
        expect(patientAt(o.measuredAt)).toBe('B');
        // The cuff's clock was checked against the hub's corrected one, not corrected itself.
        expect(o.detail).toEqual({ measuredAtSource: 'gattTimestamp' });
      }
    }
  });

  it('HZ-05 HZ-20 a hub clock 3 h fast does not pull a right cuff clock back onto the previous patient', () => {
    const hubSays = shift(NOW, 3 * hourMs);
    const { observations, rejections } = relay(
      { sentAt: hubSays, measuredAt: hubSays },
      NOW,
      3 * hourMs + 2000,
    );
    expect(rejections).toEqual([]);
    expect(observations[0].measuredAt).toBe(NOW); // not 08:58, when the hub was A's
    expect(patientAt(observations[0].measuredAt)).toBe('B');
  });

  it("HZ-05 HZ-20 a cuff on UK summer time (an hour ahead of UTC) is accepted at the hub's time and flagged, not dead-lettered all summer", () => {
    const cuffShows = shift(NOW, hourMs); // 12:58 BST, read as 12:58 UTC
    const { observations, rejections } = relay({ sentAt: NOW, measuredAt: NOW }, cuffShows);
    expect(rejections).toEqual([]);
    expect(observations).toHaveLength(3);
    expect(observations[0].measuredAt).toBe(NOW);
    expect(observations[0].detail).toMatchObject({
      measuredAtSource: 'measuredAt',
      gattTimestamp: cuffShows,
      gattClockDisagreementSeconds: 3600,
    });
    expect(observations[0].detail?.gattTimestampIgnored).toContain('3600 s after the hub');
  });

  it("HZ-05 HZ-07 HZ-20 readings from the cuff's memory, relayed 3 h later in one second, keep their own times: judged as late, and two stay two", () => {
    const stored = shift(NOW, -3 * hourMs);
    const { observations } = relay({ sentAt: NOW, measuredAt: NOW }, stored);
    expect(observations[0].measuredAt).toBe(stored);
    expect(observations[0].detail).toMatchObject({
      measuredAtSource: 'gattTimestamp',
      hubMeasuredAt: NOW,
      gattClockDisagreementSeconds: -10800,
    });
    const earlier = relay({ sentAt: NOW, measuredAt: NOW }, shift(NOW, -4 * hourMs)).observations[0];
    expect(earlier.measuredAt).not.toBe(observations[0].measuredAt);
  });

  it("HZ-05 HZ-20 a cuff a few seconds before the hub is the reading's time; 5 minutes is the edge", () => {
    const edge = shift(NOW, -300_000);
    for (const [cuffAt, expected] of [
      [shift(NOW, -20_000), shift(NOW, -20_000)],
      [edge, edge],
      [shift(NOW, -301_000), shift(NOW, -301_000)], // earlier: a memory, dated by the cuff
      [shift(NOW, -8 * 24 * hourMs), NOW], // further back than a week: a clock not set
      [shift(NOW, 300_000), shift(NOW, 300_000)],
      [shift(NOW, 301_000), NOW],
    ]) {
      expect(relay({ sentAt: NOW, measuredAt: NOW }, cuffAt).observations[0].measuredAt).toBe(expected);
    }
  });

  it("HZ-05 HZ-20 R12 when the cuff's clock is not trusted, the hub's time is still corrected by the hub's own offset", () => {
    const hubSays = shift(NOW, -2 * hourMs);
    const yesterday = shift(NOW, -24 * hourMs);
    // An hour ahead of the hub (corrected): impossible, so not trusted.
    const ahead = shift(NOW, hourMs);
    const { observations } = relay({ sentAt: hubSays, measuredAt: hubSays }, ahead, -2 * hourMs);
    expect(observations[0].measuredAt).toBe(NOW);
    expect(patientAt(observations[0].measuredAt)).toBe('B');
    expect(observations[0].detail).toMatchObject({
      clockCorrected: true,
      clockOffsetSeconds: -7200,
      measuredAtAsSent: hubSays,
      gattTimestamp: ahead,
      gattClockDisagreementSeconds: 3600,
    });
    // A day behind the corrected hub time: a memory, and its hub time is the corrected one.
    const memory = relay({ sentAt: hubSays, measuredAt: hubSays }, yesterday, -2 * hourMs).observations[0];
    expect([memory.measuredAt, memory.detail?.hubMeasuredAt]).toEqual([yesterday, NOW]);
  });

  it('HZ-05 HZ-20 an oximeter and a thermometer timestamp follow the same rule', () => {
    const { observations, rejections } = normaliseReadings(
      {
        v: 1,
        deviceId: 'hub-1',
        seq: 4,
        sentAt: NOW,
        measurements: [
          gatt('2A5E', '01 | 61 00 | 44 00 | E7 07 06 14 0B 3A 00', NOW), // 2023-06-20 11:58: a year (366 days) behind
          gatt('2A1C', '02 | 72 01 00 FF | E8 07 06 14 0C 3A 00', NOW), // 12:58: summer time
        ],
      },
      { receivedAt: RECEIPT },
    );
    expect(rejections).toEqual([]);
    expect(
      observations.map((o) => [o.parameter, o.measuredAt, o.detail?.gattClockDisagreementSeconds]),
    ).toEqual([
      ['spo2', NOW, -366 * 86400],
      ['heartRate', NOW, -366 * 86400],
      ['temperature', NOW, 3600],
    ]);
  });
});

describe("normaliseReadings: a multi-user cuff's other users (HZ-05)", () => {
  const withUser = (userId: number) =>
    gatt('2A35', `08 | 78 00 50 00 5D 00 | ${userId.toString(16).padStart(2, '0')}`);

  it("HZ-05 dead-letters a reading from cuff user 2 as other-cuff-user, never as the patient's; user 1 and 255 (unknown) are stored as theirs", () => {
    const { observations, rejections } = run([
      withUser(2),
      { type: 'spo2', measuredAt: MEASURED, value: 97, unit: '%' },
      withUser(1),
      withUser(255),
    ]);
    expect(rejections).toEqual([
      {
        reason: 'other-cuff-user',
        detail:
          "measurement 0 (gatt Blood Pressure Measurement (0x2A35)): cuff user 2; this cuff's patient is user 1; not stored as the patient's reading",
        measurementIndex: 0,
      },
    ]);
    expect(observations.map((o) => [o.id, o.parameter, o.detail?.userId])).toEqual([
      ['dev-1:7:1', 'spo2', undefined],
      ['dev-1:7:2.0', 'systolicBp', 1],
      ['dev-1:7:2.1', 'diastolicBp', 1],
      ['dev-1:7:2.2', 'meanArterialPressure', 1],
      ['dev-1:7:3.0', 'systolicBp', 255],
      ['dev-1:7:3.1', 'diastolicBp', 255],
      ['dev-1:7:3.2', 'meanArterialPressure', 255],
    ]);
  });

  it("HZ-05 refuses another user's reading whatever else is wrong with it (no special-value or clock reason hides it)", () => {
    const { observations, rejections } = run([
      gatt('2A35', '0A | FF 07 50 00 5D 00 | E8 07 03 0E 0A 1E 2D | 03'),
    ]);
    expect(observations).toEqual([]);
    expect(rejections.map((r) => r.reason)).toEqual(['other-cuff-user']);
    expect(rejections[0].detail).toContain('cuff user 3;');
  });
});
