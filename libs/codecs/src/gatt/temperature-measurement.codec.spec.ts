import { codecError, hex } from '../test-helpers/bytes';
import { decodeTemperatureMeasurement, temperatureMeasurementCodec } from './temperature-measurement.codec';

// Golden fixtures, hand-built from the Bluetooth SIG Temperature Measurement (0x2A1C) definition:
// flags | temperature (FLOAT) | [timestamp 7] | [temperature type uint8]. Flags: 0 °F, 1 timestamp, 2 type.
const CELSIUS = hex('00 | 6E 01 00 FF'); // 366 × 10^-1 = 36.6 °C
const FULL_FAHRENHEIT = hex('07 | DA 03 00 FF | E8 07 03 0F 0A 1E 2D | 06'); // 98.6 °F, mouth

const ts = { year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 45 };

describe('decodeTemperatureMeasurement (0x2A1C)', () => {
  it('decodes a Celsius FLOAT, optional fields null', () => {
    expect(decodeTemperatureMeasurement(CELSIUS)).toEqual({
      flags: 0,
      unit: 'celsius',
      temperature: { value: 36.6, mantissa: 366, exponent: -1 },
      timestamp: null,
      temperatureType: null,
    });
  });

  it('decodes Fahrenheit with timestamp and type', () => {
    expect(decodeTemperatureMeasurement(FULL_FAHRENHEIT)).toEqual({
      flags: 0x07,
      unit: 'fahrenheit',
      temperature: { value: 98.6, mantissa: 986, exponent: -1 },
      timestamp: ts,
      temperatureType: { raw: 6, name: 'mouth' },
    });
  });

  it.each([
    [1, 'armpit'],
    [2, 'body'],
    [3, 'ear'],
    [4, 'finger'],
    [5, 'gastrointestinalTract'],
    [7, 'rectum'],
    [8, 'toe'],
    [9, 'tympanum'],
    [0, 'reserved'],
    [10, 'reserved'],
    [255, 'reserved'],
  ])('temperature type %d is %s', (raw, name) => {
    const bytes = hex(`04 | 6E 01 00 FF | ${raw.toString(16).padStart(2, '0')}`);
    expect(decodeTemperatureMeasurement(bytes).temperatureType).toEqual({ raw, name });
  });

  it.each([
    ['NaN', 'FF FF 7F 00'],
    ['NRes', '00 00 80 00'],
    ['+INF', 'FE FF 7F 00'],
    ['-INF', '02 00 80 00'],
    ['RESERVED', '01 00 80 00'],
  ])('keeps the special value %s as a special', (special, value) => {
    expect(decodeTemperatureMeasurement(hex(`00 | ${value}`)).temperature).toEqual({ special });
  });

  it('ignores reserved flag bits 3–7', () => {
    expect(decodeTemperatureMeasurement(hex('F8 | 6E 01 00 FF'))).toMatchObject({
      flags: 0xf8,
      unit: 'celsius',
      timestamp: null,
    });
  });

  it.each([
    ['too-short', ''],
    ['too-short', '00 6E 01 00'],
    ['length-mismatch', '02 | 6E 01 00 FF'],
    ['length-mismatch', '06 | 6E 01 00 FF | E8 07 03 0F 0A 1E 2D'],
    ['trailing-bytes', '00 | 6E 01 00 FF | 06'],
    ['trailing-bytes', '07 | DA 03 00 FF | E8 07 03 0F 0A 1E 2D | 06 | 00'],
  ])('throws %s for %s', (code, bytes) => {
    expect(codecError(() => decodeTemperatureMeasurement(hex(bytes))).code).toBe(code);
  });

  describe('toReadings', () => {
    it('gives one essential temperature in the unit sent, with the type in detail', () => {
      const r = temperatureMeasurementCodec.toReadings(decodeTemperatureMeasurement(FULL_FAHRENHEIT));
      expect(r.readings).toEqual([
        {
          parameter: 'temperature',
          subIndex: null,
          field: 'temperature',
          reading: { value: 98.6, mantissa: 986, exponent: -1 },
          unit: '[degF]',
          mdc: 'MDC_TEMP_BODY',
          essential: true,
        },
      ]);
      expect(r.detail).toEqual({ temperatureType: 'mouth' });
      expect(r.timestamp).toEqual(ts);
    });

    it('uses Cel for Celsius and an empty detail without a type', () => {
      const r = temperatureMeasurementCodec.toReadings(decodeTemperatureMeasurement(CELSIUS));
      expect(r.readings[0].unit).toBe('Cel');
      expect(r.detail).toEqual({});
    });
  });
});
