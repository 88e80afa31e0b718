import { codecError, hex } from '../test-helpers/bytes';
import { decodePlxSpotCheckMeasurement, plxSpotCheckCodec } from './plx-spot-check.codec';

// Golden fixtures, hand-built from the Bluetooth SIG PLX Spot-Check Measurement (0x2A5E) definition:
// flags | SpO2, PR (SFLOAT) | [timestamp 7] | [measurement status uint16] | [device and sensor status uint24]
// | [pulse amplitude index SFLOAT]. Flags: 0 timestamp, 1 status, 2 device status, 3 PAI, 4 clock not set.
const MINIMAL = hex('00 | 61 00 | 44 00'); // SpO2 97 %, PR 68 /min
const FULL = hex('0F | 61 00 | 44 00 | E8 07 03 0F 0A 1E 2D | 80 40 | 20 20 01 | 19 F0');

const ts = { year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 45 };

describe('decodePlxSpotCheckMeasurement (0x2A5E)', () => {
  it('decodes the mandatory fields, optional fields null', () => {
    expect(decodePlxSpotCheckMeasurement(MINIMAL)).toEqual({
      flags: 0,
      spo2: { value: 97, mantissa: 97, exponent: 0 },
      pulseRate: { value: 68, mantissa: 68, exponent: 0 },
      timestamp: null,
      measurementStatus: null,
      deviceAndSensorStatus: null,
      pulseAmplitudeIndex: null,
      deviceClockNotSet: false,
    });
  });

  it('decodes every optional field; the device and sensor status is 3 bytes with bits 16–23 unnamed', () => {
    expect(decodePlxSpotCheckMeasurement(FULL)).toEqual({
      flags: 0x0f,
      spo2: { value: 97, mantissa: 97, exponent: 0 },
      pulseRate: { value: 68, mantissa: 68, exponent: 0 },
      timestamp: ts,
      measurementStatus: { raw: 0x4080, set: ['validatedData', 'questionableMeasurementDetected'] },
      deviceAndSensorStatus: { raw: 0x012020, set: ['lowPerfusionDetected', 'sensorDisplaced'] },
      pulseAmplitudeIndex: { value: 2.5, mantissa: 25, exponent: -1 },
      deviceClockNotSet: false,
    });
  });

  it('names every measurement status bit 5–15 in bit order and ignores reserved bits 0–4', () => {
    const m = decodePlxSpotCheckMeasurement(hex('02 | 61 00 44 00 | FF FF'));
    expect(m.measurementStatus).toEqual({
      raw: 0xffff,
      set: [
        'measurementOngoing',
        'earlyEstimatedData',
        'validatedData',
        'fullyQualifiedData',
        'dataFromMeasurementStorage',
        'dataForDemonstration',
        'dataForTesting',
        'calibrationOngoing',
        'measurementUnavailable',
        'questionableMeasurementDetected',
        'invalidMeasurementDetected',
      ],
    });
    expect(decodePlxSpotCheckMeasurement(hex('02 | 61 00 44 00 | 1F 00')).measurementStatus).toEqual({
      raw: 0x1f,
      set: [],
    });
  });

  it('names every device and sensor status bit 0–15 in bit order', () => {
    const m = decodePlxSpotCheckMeasurement(hex('04 | 61 00 44 00 | FF FF FF'));
    expect(m.deviceAndSensorStatus).toEqual({
      raw: 0xffffff,
      set: [
        'extendedDisplayUpdateOngoing',
        'equipmentMalfunctionDetected',
        'signalProcessingIrregularityDetected',
        'inadequateSignalDetected',
        'poorSignalDetected',
        'lowPerfusionDetected',
        'erraticSignalDetected',
        'nonpulsatileSignalDetected',
        'questionablePulseDetected',
        'signalAnalysisOngoing',
        'sensorInterferenceDetected',
        'sensorUnconnectedToUser',
        'unknownSensorConnected',
        'sensorDisplaced',
        'sensorMalfunctioning',
        'sensorDisconnected',
      ],
    });
  });

  it.each([
    [
      'timestamp + clock not set',
      '11 | 61 00 44 00 | E8 07 03 0F 0A 1E 2D',
      { timestamp: ts, deviceClockNotSet: true },
    ],
    [
      'PAI only',
      '08 | 61 00 44 00 | 19 F0',
      { pulseAmplitudeIndex: { value: 2.5, mantissa: 25, exponent: -1 } },
    ],
    [
      'status + device status',
      '06 | 61 00 44 00 | 00 20 | 00 80 00',
      {
        measurementStatus: { raw: 0x2000, set: ['measurementUnavailable'] },
        deviceAndSensorStatus: { raw: 0x8000, set: ['sensorDisconnected'] },
      },
    ],
    [
      'reserved flag bits 5–7 ignored',
      'E0 | 61 00 44 00',
      { flags: 0xe0, timestamp: null, deviceClockNotSet: false },
    ],
  ])('flag combination: %s', (_name, bytes, expected) => {
    expect(decodePlxSpotCheckMeasurement(hex(bytes))).toMatchObject(expected);
  });

  it.each([
    ['NaN', 'FF 07 | 44 00', 'spo2'],
    ['NRes', '61 00 | 00 08', 'pulseRate'],
    ['+INF', 'FE 07 | 44 00', 'spo2'],
    ['-INF', '61 00 | 02 08', 'pulseRate'],
    ['RESERVED', '01 08 | 44 00', 'spo2'],
  ])('keeps the special value %s as a special', (special, values, field) => {
    expect(decodePlxSpotCheckMeasurement(hex(`00 | ${values}`))).toMatchObject({ [field]: { special } });
  });

  it.each([
    ['too-short', ''],
    ['too-short', '00 61 00 44'],
    ['length-mismatch', '01 | 61 00 44 00 | E8 07 03 0F 0A 1E'],
    ['length-mismatch', '04 | 61 00 44 00 | 20 20'], // device status sent as 16 bits: the SIG field is 24
    ['length-mismatch', '0F | 61 00 44 00 | E8 07 03 0F 0A 1E 2D | 80 40 | 20 20 01 | 19'],
    ['trailing-bytes', '00 | 61 00 44 00 | 00'],
    ['trailing-bytes', '0F | 61 00 44 00 | E8 07 03 0F 0A 1E 2D | 80 40 | 20 20 01 | 19 F0 | 00'],
  ])('throws %s for %s', (code, bytes) => {
    expect(codecError(() => decodePlxSpotCheckMeasurement(hex(bytes))).code).toBe(code);
  });

  describe('toReadings', () => {
    it('gives SpO2 and the oximeter pulse, non-essential, with status bits in detail', () => {
      const r = plxSpotCheckCodec.toReadings(decodePlxSpotCheckMeasurement(FULL));
      expect(r.readings.map((x) => [x.parameter, x.subIndex, x.unit, x.mdc, x.essential])).toEqual([
        ['spo2', 0, '%', 'MDC_PULS_OXIM_SAT_O2', false],
        ['heartRate', 1, '/min', 'MDC_PULS_OXIM_PULS_RATE', false],
      ]);
      expect(r.detail).toEqual({
        validatedData: true,
        questionableMeasurementDetected: true,
        lowPerfusionDetected: true,
        sensorDisplaced: true,
        pulseAmplitudeIndex: 2.5,
      });
      expect(r.timestamp).toEqual(ts);
      expect(r.timestampUnreliable).toBeNull();
      expect(r.deviceDeclaredInvalid).toEqual([]);
    });

    it('marks the timestamp unreliable when the device clock is not set', () => {
      const r = plxSpotCheckCodec.toReadings(
        decodePlxSpotCheckMeasurement(hex('11 | 61 00 44 00 | E8 07 03 0F 0A 1E 2D')),
      );
      expect(r.timestampUnreliable).toBe('the device clock is not set');
      expect(r.detail).toEqual({ deviceClockNotSet: true });
    });

    it('lists the status bits that make the reading unusable', () => {
      const r = plxSpotCheckCodec.toReadings(decodePlxSpotCheckMeasurement(hex('02 | 61 00 44 00 | 00 AC')));
      // 0xAC00: bits 10 demonstration, 11 testing, 13 unavailable, 15 invalid
      expect(r.deviceDeclaredInvalid).toEqual([
        'PLX measurement status measurementUnavailable',
        'PLX measurement status invalidMeasurementDetected',
        'PLX measurement status dataForDemonstration',
        'PLX measurement status dataForTesting',
      ]);
    });

    it('leaves a special pulse amplitude index out of detail', () => {
      const r = plxSpotCheckCodec.toReadings(decodePlxSpotCheckMeasurement(hex('08 | 61 00 44 00 | FF 07')));
      expect(r.detail).toEqual({});
    });
  });
});
