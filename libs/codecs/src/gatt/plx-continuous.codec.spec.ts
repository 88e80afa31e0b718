import { codecError, hex } from '../test-helpers/bytes';
import { decodePlxContinuousMeasurement, plxContinuousCodec } from './plx-continuous.codec';

// Golden fixtures, hand-built from the Bluetooth SIG PLX Continuous Measurement (0x2A5F) definition:
// flags | SpO2PR-Normal | [SpO2PR-Fast] | [SpO2PR-Slow] | [measurement status uint16]
// | [device and sensor status uint24] | [PAI SFLOAT]. Flags: 0 fast, 1 slow, 2 status, 3 device status, 4 PAI.
const MINIMAL = hex('00 | 61 00 | 44 00');
const FULL = hex('1F | 61 00 44 00 | 60 00 45 00 | 62 00 43 00 | 20 00 | 08 00 00 | 19 F0');

const n = (value: number) => ({ value, mantissa: value, exponent: 0 });

describe('decodePlxContinuousMeasurement (0x2A5F)', () => {
  it('decodes SpO2PR-Normal, optional fields null', () => {
    expect(decodePlxContinuousMeasurement(MINIMAL)).toEqual({
      flags: 0,
      spo2: n(97),
      pulseRate: n(68),
      spo2Fast: null,
      pulseRateFast: null,
      spo2Slow: null,
      pulseRateSlow: null,
      measurementStatus: null,
      deviceAndSensorStatus: null,
      pulseAmplitudeIndex: null,
    });
  });

  it('decodes every optional field', () => {
    expect(decodePlxContinuousMeasurement(FULL)).toEqual({
      flags: 0x1f,
      spo2: n(97),
      pulseRate: n(68),
      spo2Fast: n(96),
      pulseRateFast: n(69),
      spo2Slow: n(98),
      pulseRateSlow: n(67),
      measurementStatus: { raw: 0x0020, set: ['measurementOngoing'] },
      deviceAndSensorStatus: { raw: 0x000008, set: ['inadequateSignalDetected'] },
      pulseAmplitudeIndex: { value: 2.5, mantissa: 25, exponent: -1 },
    });
  });

  it.each([
    [
      'fast only',
      '01 | 61 00 44 00 | 60 00 45 00',
      { spo2Fast: n(96), pulseRateFast: n(69), spo2Slow: null },
    ],
    [
      'slow only',
      '02 | 61 00 44 00 | 62 00 43 00',
      { spo2Fast: null, spo2Slow: n(98), pulseRateSlow: n(67) },
    ],
    [
      'device status only',
      '08 | 61 00 44 00 | 00 00 FF',
      { deviceAndSensorStatus: { raw: 0xff0000, set: [] } },
    ],
    [
      'reserved flag bits 5–7 ignored',
      'E0 | 61 00 44 00',
      { flags: 0xe0, spo2Fast: null, pulseAmplitudeIndex: null },
    ],
  ])('flag combination: %s', (_name, bytes, expected) => {
    expect(decodePlxContinuousMeasurement(hex(bytes))).toMatchObject(expected);
  });

  it.each([
    ['NaN', '00 | FF 07 44 00', { spo2: { special: 'NaN' } }],
    ['NRes', '00 | 61 00 00 08', { pulseRate: { special: 'NRes' } }],
    ['+INF', '01 | 61 00 44 00 | FE 07 45 00', { spo2Fast: { special: '+INF' } }],
    ['-INF', '02 | 61 00 44 00 | 62 00 02 08', { pulseRateSlow: { special: '-INF' } }],
    ['RESERVED', '10 | 61 00 44 00 | 01 08', { pulseAmplitudeIndex: { special: 'RESERVED' } }],
  ])('keeps the special value %s as a special', (_special, bytes, expected) => {
    expect(decodePlxContinuousMeasurement(hex(bytes))).toMatchObject(expected);
  });

  it.each([
    ['too-short', '00'],
    ['too-short', '00 61 00 44'],
    ['length-mismatch', '03 | 61 00 44 00 | 60 00 45 00'],
    ['length-mismatch', '08 | 61 00 44 00 | 08 00'],
    ['trailing-bytes', '00 | 61 00 44 00 | 60 00 45 00'],
    ['trailing-bytes', '1F | 61 00 44 00 | 60 00 45 00 | 62 00 43 00 | 20 00 | 08 00 00 | 19 F0 | 00'],
  ])('throws %s for %s', (code, bytes) => {
    expect(codecError(() => decodePlxContinuousMeasurement(hex(bytes))).code).toBe(code);
  });

  describe('toReadings', () => {
    it('uses SpO2PR-Normal only, never Fast or Slow, and has no timestamp', () => {
      const r = plxContinuousCodec.toReadings(decodePlxContinuousMeasurement(FULL));
      expect(r.readings.map((x) => [x.parameter, x.field, x.reading])).toEqual([
        ['spo2', 'spo2', n(97)],
        ['heartRate', 'pulseRate', n(68)],
      ]);
      expect(r.timestamp).toBeNull();
      expect(r.detail).toEqual({
        measurementOngoing: true,
        inadequateSignalDetected: true,
        pulseAmplitudeIndex: 2.5,
      });
    });

    it('passes on status bits that make the reading unusable', () => {
      const r = plxContinuousCodec.toReadings(
        decodePlxContinuousMeasurement(hex('04 | 61 00 44 00 | 00 20')),
      );
      expect(r.deviceDeclaredInvalid).toEqual(['PLX measurement status measurementUnavailable']);
    });
  });
});
