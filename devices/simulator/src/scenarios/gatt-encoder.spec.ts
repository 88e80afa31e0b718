import {
  decodeBloodPressureMeasurement,
  decodePlxSpotCheckMeasurement,
  decodeSfloat,
  readGattCharacteristic,
} from '@vigil/codecs';
import {
  encodeBloodPressureMeasurement,
  encodePlxSpotCheckMeasurement,
  encodeSfloat,
  meanArterialPressure,
  toBase64,
} from './gatt-encoder';

const valueOf = (n: ReturnType<typeof decodeSfloat>): number => {
  if ('special' in n) throw new Error(`special value ${n.special}`);
  return n.value;
};

describe('encodeSfloat', () => {
  it('matches the codecs golden words (SpO2 97 → 0x0061, 2.5 → 0xF019)', () => {
    expect(encodeSfloat(97)).toBe(0x0061);
    expect(encodeSfloat(2.5, 1)).toBe(0xf019);
  });

  it('round-trips through decodeSfloat, including negatives and decimals', () => {
    for (const [value, decimals] of [
      [0, 0],
      [120, 0],
      [-40, 0],
      [37.4, 1],
      [16.8, 1],
      [2045, 0],
    ] as const) {
      expect(valueOf(decodeSfloat(encodeSfloat(value, decimals)))).toBeCloseTo(value, 6);
    }
  });

  it('raises the exponent rather than overflow the 12-bit mantissa, and never emits a special value', () => {
    const word = encodeSfloat(3000);
    expect(valueOf(decodeSfloat(word))).toBe(3000);
    expect(valueOf(decodeSfloat(encodeSfloat(2046)))).toBeCloseTo(2050, 6);
  });

  it('refuses NaN and infinities', () => {
    expect(() => encodeSfloat(Number.NaN)).toThrow(RangeError);
    expect(() => encodeSfloat(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('Blood Pressure Measurement 0x2A35 encoder', () => {
  it('matches the layout flags | systolic | diastolic | MAP | pulse rate, little-endian', () => {
    const bytes = encodeBloodPressureMeasurement({
      systolic: 120,
      diastolic: 80,
      meanArterialPressure: 93,
      pulseRate: 72,
    });
    expect(Buffer.from(bytes).toString('hex')).toBe('0478005000' + '5d00' + '4800');
  });

  it('round-trips through the @vigil/codecs decoder, with and without pulse rate', () => {
    const withPulse = decodeBloodPressureMeasurement(
      encodeBloodPressureMeasurement({
        systolic: 142,
        diastolic: 91,
        meanArterialPressure: 108,
        pulseRate: 88,
      }),
    );
    expect(withPulse.unit).toBe('mmHg');
    expect(valueOf(withPulse.systolic)).toBe(142);
    expect(valueOf(withPulse.diastolic)).toBe(91);
    expect(valueOf(withPulse.meanArterialPressure)).toBe(108);
    expect(withPulse.pulseRate && valueOf(withPulse.pulseRate)).toBe(88);
    expect(withPulse.timestamp).toBeNull();

    const noPulse = decodeBloodPressureMeasurement(
      encodeBloodPressureMeasurement({ systolic: 101, diastolic: 62, meanArterialPressure: 75 }),
    );
    expect(noPulse.pulseRate).toBeNull();
    expect(valueOf(noPulse.systolic)).toBe(101);
  });

  it('encodes kPa with one decimal and sets the unit flag', () => {
    const m = decodeBloodPressureMeasurement(
      encodeBloodPressureMeasurement({
        systolic: 16.0,
        diastolic: 10.7,
        meanArterialPressure: 12.4,
        unit: 'kPa',
      }),
    );
    expect(m.unit).toBe('kPa');
    expect(valueOf(m.diastolic)).toBeCloseTo(10.7, 6);
  });
});

describe('PLX Spot-Check Measurement 0x2A5E encoder', () => {
  it('matches the codecs golden fixture 00 | 61 00 | 44 00 (SpO2 97 %, PR 68)', () => {
    expect(Buffer.from(encodePlxSpotCheckMeasurement({ spo2: 97, pulseRate: 68 })).toString('hex')).toBe(
      '0061004400',
    );
  });

  it('round-trips through the decoder and the platform readings, from base64', () => {
    const data = toBase64(encodePlxSpotCheckMeasurement({ spo2: 91, pulseRate: 124 }));
    const bytes = Uint8Array.from(Buffer.from(data, 'base64'));
    const m = decodePlxSpotCheckMeasurement(bytes);
    expect(valueOf(m.spo2)).toBe(91);
    expect(valueOf(m.pulseRate)).toBe(124);
    const readings = readGattCharacteristic('2A5E', bytes);
    expect(readings.deviceDeclaredInvalid).toEqual([]);
    expect(readings.readings.map((r) => r.parameter)).toEqual(['spo2', 'heartRate']);
  });
});

describe('meanArterialPressure', () => {
  it('is diastolic plus a third of the pulse pressure', () => {
    expect(meanArterialPressure(120, 80)).toBe(93);
  });
});
