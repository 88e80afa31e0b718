import fc from 'fast-check';
import { CodecError } from '../codec-error';
import { codecError, hex } from '../test-helpers/bytes';
import { decodeBloodPressureMeasurement } from './blood-pressure-measurement.codec';
import {
  decodeGattCharacteristic,
  GATT_CHARACTERISTICS,
  isSupportedGattCharacteristic,
  normaliseGattUuid,
  readGattCharacteristic,
} from './gatt-registry';
import { decodePlxContinuousMeasurement } from './plx-continuous.codec';
import { decodePlxSpotCheckMeasurement } from './plx-spot-check.codec';
import { decodeTemperatureMeasurement } from './temperature-measurement.codec';

/** Expected total length per flags octet, written from the SIG definitions independently of the codecs. */
const LENGTH_FOR_FLAGS: Record<string, (flags: number) => number> = {
  '2A35': (f) => 7 + (f & 0x02 ? 7 : 0) + (f & 0x04 ? 2 : 0) + (f & 0x08 ? 1 : 0) + (f & 0x10 ? 2 : 0),
  '2A5E': (f) => 5 + (f & 0x01 ? 7 : 0) + (f & 0x02 ? 2 : 0) + (f & 0x04 ? 3 : 0) + (f & 0x08 ? 2 : 0),
  '2A5F': (f) =>
    5 +
    (f & 0x01 ? 4 : 0) +
    (f & 0x02 ? 4 : 0) +
    (f & 0x04 ? 2 : 0) +
    (f & 0x08 ? 3 : 0) +
    (f & 0x10 ? 2 : 0),
  '2A1C': (f) => 5 + (f & 0x02 ? 7 : 0) + (f & 0x04 ? 1 : 0),
};

describe('GATT registry', () => {
  it('lists the supported characteristics', () => {
    expect([...GATT_CHARACTERISTICS].sort()).toEqual(['2A1C', '2A35', '2A5E', '2A5F']);
  });

  it.each([
    ['2A35', '2A35'],
    ['2a35', '2A35'],
    ['0x2A35', '2A35'],
    [' 0x2a5e ', '2A5E'],
    ['00002a5f-0000-1000-8000-00805f9b34fb', '2A5F'],
    ['00002a5f-0000-1000-8000-00805f9b34fc', null],
    ['12345', null],
    ['zz35', null],
  ])('normalises UUID %p to %p', (uuid, expected) => {
    expect(normaliseGattUuid(uuid)).toBe(expected);
  });

  it('knows which UUIDs have a codec', () => {
    expect(isSupportedGattCharacteristic('0x2a1c')).toBe(true);
    expect(isSupportedGattCharacteristic('2A37')).toBe(false); // heart rate measurement: not (yet) supported
    expect(isSupportedGattCharacteristic('constructor')).toBe(false);
  });

  it('decodes with the codec for the UUID, tagged with it', () => {
    const bytes = hex('00 | 78 00 | 50 00 | 5D 00');
    const decoded = decodeGattCharacteristic('0x2a35', bytes);
    expect(decoded).toEqual({
      uuid: '2A35',
      name: 'Blood Pressure Measurement (0x2A35)',
      value: decodeBloodPressureMeasurement(bytes),
    });
    if (decoded.uuid === '2A35') expect(decoded.value.unit).toBe('mmHg');
  });

  it('throws CodecError unsupported-characteristic for an unknown UUID', () => {
    const error = codecError(() => decodeGattCharacteristic('2A37', hex('00 48')));
    expect(error.code).toBe('unsupported-characteristic');
    expect(error.message).toContain('"2A37"');
    expect(codecError(() => readGattCharacteristic('2A37', hex('00'))).code).toBe(
      'unsupported-characteristic',
    );
  });

  it('reads readings with the name and observation source of the codec', () => {
    const r = readGattCharacteristic('2A5E', hex('00 | 61 00 | 44 00'));
    expect(r.name).toBe('PLX Spot-Check Measurement (0x2A5E)');
    expect(r.source).toBe('gatt-2a5e');
    expect(r.readings).toHaveLength(2);
  });

  describe('properties', () => {
    const decoders = [
      ['2A35', decodeBloodPressureMeasurement],
      ['2A5E', decodePlxSpotCheckMeasurement],
      ['2A5F', decodePlxContinuousMeasurement],
      ['2A1C', decodeTemperatureMeasurement],
    ] as const;

    it.each(decoders)(
      '%s: random bytes give a complete result or a CodecError, nothing else',
      (uuid, decode) => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 32 }), (bytes) => {
            let result: unknown;
            try {
              result = decode(bytes);
            } catch (error) {
              expect(error).toBeInstanceOf(CodecError);
              return;
            }
            expect(bytes.length).toBe(LENGTH_FOR_FLAGS[uuid](bytes[0]));
            expect(Object.values(result as object)).not.toContain(undefined);
            expect(readGattCharacteristic(uuid, bytes).readings.length).toBeGreaterThan(0);
          }),
          { numRuns: 2000 },
        );
      },
    );

    it.each(decoders)(
      '%s: any flags with exactly the length they call for decode; one byte less or more throws',
      (uuid, decode) => {
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: 255 }),
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
            (flags, fill) => {
              const length = LENGTH_FOR_FLAGS[uuid](flags);
              const bytes = Uint8Array.of(flags, ...fill.slice(0, length - 1));
              expect(() => decode(bytes)).not.toThrow();
              expect(codecError(() => decode(bytes.slice(0, -1))).code).toMatch(/too-short|length-mismatch/);
              expect(codecError(() => decode(Uint8Array.of(...bytes, 0))).code).toBe('trailing-bytes');
            },
          ),
        );
      },
    );
  });
});
