import { codecError, hex } from '../test-helpers/bytes';
import {
  bloodPressureMeasurementCodec,
  decodeBloodPressureMeasurement,
  otherCuffUser,
} from './blood-pressure-measurement.codec';

// Golden fixtures, hand-built from the Bluetooth SIG Blood Pressure Measurement (0x2A35) definition:
// flags | systolic, diastolic, MAP (SFLOAT) | [timestamp 7] | [pulse SFLOAT] | [user id] | [status uint16]
const MINIMAL_MMHG = hex('00 | 78 00 | 50 00 | 5D 00'); // 120/80 MAP 93 mmHg
const FULL = hex('1E | 78 00 | 50 00 | 5D 00 | E8 07 03 0F 0A 1E 2D | 48 00 | 01 | 0C 00');
const KPA = hex('01 | A0 F0 | 6B F0 | 7C F0'); // 16.0 / 10.7 kPa, MAP 12.4 kPa

const ts = { year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 45 };
const n = (value: number, mantissa: number, exponent = 0) => ({ value, mantissa, exponent });

describe('decodeBloodPressureMeasurement (0x2A35)', () => {
  it('decodes the mandatory fields, mmHg, optional fields null', () => {
    expect(decodeBloodPressureMeasurement(MINIMAL_MMHG)).toEqual({
      flags: 0,
      unit: 'mmHg',
      systolic: n(120, 120),
      diastolic: n(80, 80),
      meanArterialPressure: n(93, 93),
      timestamp: null,
      pulseRate: null,
      userId: null,
      measurementStatus: null,
    });
  });

  it('decodes every optional field', () => {
    expect(decodeBloodPressureMeasurement(FULL)).toEqual({
      flags: 0x1e,
      unit: 'mmHg',
      systolic: n(120, 120),
      diastolic: n(80, 80),
      meanArterialPressure: n(93, 93),
      timestamp: ts,
      pulseRate: n(72, 72),
      userId: 1,
      measurementStatus: {
        raw: 0x000c,
        bodyMovementDetected: false,
        cuffTooLoose: false,
        irregularPulseDetected: true,
        pulseRateRange: 'aboveUpperLimit',
        improperMeasurementPosition: false,
      },
    });
  });

  it('reports kPa values as sent, without conversion', () => {
    const m = decodeBloodPressureMeasurement(KPA);
    expect(m.unit).toBe('kPa');
    expect(m.systolic).toEqual(n(16, 160, -1));
    expect(m.diastolic).toEqual(n(10.7, 107, -1));
    expect(m.meanArterialPressure).toEqual(n(12.4, 124, -1));
  });

  it.each([
    ['timestamp only', '02 | 78 00 50 00 5D 00 | E8 07 03 0F 0A 1E 2D', { timestamp: ts }],
    ['pulse only', '04 | 78 00 50 00 5D 00 | 48 00', { pulseRate: n(72, 72) }],
    ['user id only (0xFF unknown user)', '08 | 78 00 50 00 5D 00 | FF', { userId: 0xff }],
    ['kPa with pulse', '05 | A0 F0 6B F0 7C F0 | 48 00', { unit: 'kPa', pulseRate: n(72, 72) }],
  ])('flag combination: %s', (_name, bytes, expected) => {
    expect(decodeBloodPressureMeasurement(hex(bytes))).toMatchObject(expected);
  });

  it.each([
    [0x0001, { bodyMovementDetected: true, pulseRateRange: 'withinRange' }],
    [0x0002, { cuffTooLoose: true }],
    [0x0004, { irregularPulseDetected: true }],
    [0x0008, { pulseRateRange: 'aboveUpperLimit' }],
    [0x0010, { pulseRateRange: 'belowLowerLimit' }],
    [0x0018, { pulseRateRange: 'reserved' }],
    [0x0020, { improperMeasurementPosition: true }],
    [0xffc0, { raw: 0xffc0, bodyMovementDetected: false, pulseRateRange: 'withinRange' }], // reserved bits 6–15
  ])('measurement status raw %d', (raw, expected) => {
    const bytes = hex(
      `10 | 78 00 50 00 5D 00 | ${(raw & 0xff).toString(16).padStart(2, '0')} ${(raw >> 8).toString(16).padStart(2, '0')}`,
    );
    expect(decodeBloodPressureMeasurement(bytes).measurementStatus).toMatchObject({ raw, ...expected });
  });

  it.each([
    ['NaN', '00 | FF 07 | 50 00 | 5D 00', 'systolic'],
    ['NRes', '00 | 78 00 | 00 08 | 5D 00', 'diastolic'],
    ['+INF', '00 | 78 00 | 50 00 | FE 07', 'meanArterialPressure'],
    ['-INF', '04 | 78 00 | 50 00 | 5D 00 | 02 08', 'pulseRate'],
    ['RESERVED', '00 | 01 08 | 50 00 | 5D 00', 'systolic'],
  ])('keeps the special value %s as a special, never a number', (special, bytes, field) => {
    expect(decodeBloodPressureMeasurement(hex(bytes))).toMatchObject({ [field]: { special } });
  });

  it('ignores reserved flag bits 5–7', () => {
    const m = decodeBloodPressureMeasurement(hex('E0 | 78 00 | 50 00 | 5D 00'));
    expect(m).toEqual({ ...decodeBloodPressureMeasurement(MINIMAL_MMHG), flags: 0xe0 });
  });

  it.each([
    ['empty', ''],
    ['flags only', '00'],
    ['one byte short of the mandatory part', '00 78 00 50 00 5D'],
  ])('throws too-short: %s', (_name, bytes) => {
    const error = codecError(() => decodeBloodPressureMeasurement(hex(bytes)));
    expect(error.code).toBe('too-short');
    expect(error.message).toContain('need at least 7');
  });

  it.each([
    ['timestamp flagged, not sent', '02 | 78 00 50 00 5D 00'],
    ['timestamp cut short', '02 | 78 00 50 00 5D 00 | E8 07 03'],
    ['status flagged, one byte sent', '10 | 78 00 50 00 5D 00 | 0C'],
    ['all flagged, last byte missing', '1E | 78 00 50 00 5D 00 | E8 07 03 0F 0A 1E 2D | 48 00 | 01 | 0C'],
  ])('throws length-mismatch: %s', (_name, bytes) => {
    const error = codecError(() => decodeBloodPressureMeasurement(hex(bytes)));
    expect(error.code).toBe('length-mismatch');
    expect(error.name).toBe('CodecError');
  });

  it.each([
    ['one extra byte', '00 | 78 00 50 00 5D 00 | 00'],
    ['pulse sent, not flagged', '00 | 78 00 50 00 5D 00 | 48 00'],
    ['full message plus a byte', '1E | 78 00 50 00 5D 00 | E8 07 03 0F 0A 1E 2D | 48 00 | 01 | 0C 00 | 99'],
  ])('throws trailing-bytes: %s', (_name, bytes) => {
    expect(codecError(() => decodeBloodPressureMeasurement(hex(bytes))).code).toBe('trailing-bytes');
  });

  it('accepts a Buffer (a Uint8Array view with an offset)', () => {
    const pool = new Uint8Array([0xaa, 0xbb, ...FULL, 0xcc]);
    const view = new Uint8Array(pool.buffer, 2, FULL.length);
    expect(decodeBloodPressureMeasurement(view)).toEqual(decodeBloodPressureMeasurement(FULL));
    expect(decodeBloodPressureMeasurement(Buffer.from(FULL))).toEqual(decodeBloodPressureMeasurement(FULL));
  });

  it('refuses input that is not a Uint8Array', () => {
    const notBytes = [0, 120, 0, 80, 0, 93, 0] as unknown as Uint8Array;
    expect(codecError(() => decodeBloodPressureMeasurement(notBytes)).code).toBe('invalid-input');
  });

  describe('toReadings', () => {
    it('maps systolic and diastolic as essential, MAP and pulse as optional, with fixed sub-indexes', () => {
      const r = bloodPressureMeasurementCodec.toReadings(decodeBloodPressureMeasurement(FULL));
      expect(r.readings.map((x) => [x.parameter, x.subIndex, x.field, x.unit, x.essential])).toEqual([
        ['systolicBp', 0, 'systolic', 'mm[Hg]', true],
        ['diastolicBp', 1, 'diastolic', 'mm[Hg]', true],
        ['meanArterialPressure', 2, 'meanArterialPressure', 'mm[Hg]', false],
        ['heartRate', 3, 'pulseRate', '/min', false],
      ]);
      expect(r.timestamp).toEqual(ts);
      expect(r.detail).toEqual({
        userId: 1,
        bodyMovementDetected: false,
        cuffTooLoose: false,
        irregularPulseDetected: true,
        pulseRateRange: 'aboveUpperLimit',
        improperMeasurementPosition: false,
      });
      expect(r.deviceDeclaredInvalid).toEqual([]);
      expect(r.otherUser).toBeNull();
    });

    it("HZ-05 marks a reading from another cuff user as someone else's", () => {
      const spouse = bloodPressureMeasurementCodec.toReadings(
        decodeBloodPressureMeasurement(hex('08 | 78 00 | 50 00 | 5D 00 | 02')),
      );
      expect(spouse.otherUser).toBe("cuff user 2; this cuff's patient is user 1");
      expect(spouse.detail).toEqual({ userId: 2 });
    });

    it('uses kPa as the unit when flagged and omits pulse when absent', () => {
      const r = bloodPressureMeasurementCodec.toReadings(decodeBloodPressureMeasurement(KPA));
      expect(r.readings.map((x) => x.unit)).toEqual(['kPa', 'kPa', 'kPa']);
      expect(r.detail).toEqual({});
      expect(r.timestamp).toBeNull();
      expect(r.otherUser).toBeNull();
    });
  });

  describe('otherCuffUser', () => {
    it.each([
      ['no User ID (a single-user cuff)', null],
      ['user 1, the patient by default', 1],
      ['255, "unknown user"', 0xff],
    ])("HZ-05 takes %s as the patient's", (_name, userId) => {
      expect(otherCuffUser(userId)).toBeNull();
    });

    it.each([0, 2, 3, 254])("HZ-05 takes user %i as someone else's", (userId) => {
      expect(otherCuffUser(userId)).toBe(`cuff user ${userId}; this cuff's patient is user 1`);
    });
  });
});
