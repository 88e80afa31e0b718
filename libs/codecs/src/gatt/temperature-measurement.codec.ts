import { PARAMETER_DEFINITIONS } from '@vigil/contracts';
import type { Ieee11073Number } from '../ieee11073/ieee11073-number';
import { ByteReader, type GattDateTime, requireExactLength, requireMandatory, SIZE } from './byte-reader';
import type { DetailValue, GattCodec, GattReadings } from './gatt-codec';

/** Temperature Measurement (0x2A1C), Bluetooth SIG Health Thermometer Service. */
const NAME = 'Temperature Measurement (0x2A1C)';

const FLAG_FAHRENHEIT = 0x01;
const FLAG_TIMESTAMP = 0x02;
const FLAG_TEMPERATURE_TYPE = 0x04;

export type TemperatureTypeName =
  | 'armpit'
  | 'body'
  | 'ear'
  | 'finger'
  | 'gastrointestinalTract'
  | 'mouth'
  | 'rectum'
  | 'toe'
  | 'tympanum'
  | 'reserved';

/** Temperature Type values 1–9 of the SIG definition; 0 and 10–255 are reserved for future use. */
const TEMPERATURE_TYPES: readonly TemperatureTypeName[] = [
  'reserved',
  'armpit',
  'body',
  'ear',
  'finger',
  'gastrointestinalTract',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
];

export interface TemperatureType {
  raw: number;
  name: TemperatureTypeName;
}

export interface TemperatureMeasurement {
  /** The flags octet as sent (reserved bits included, and ignored). */
  flags: number;
  unit: 'celsius' | 'fahrenheit';
  /** The temperature as a decoded IEEE 11073 FLOAT. */
  temperature: Ieee11073Number;
  timestamp: GattDateTime | null;
  temperatureType: TemperatureType | null;
}

/**
 * Decodes a Temperature Measurement value (values as sent). Throws `CodecError` on input that is
 * too short, shorter or longer than the flags call for.
 */
export function decodeTemperatureMeasurement(bytes: Uint8Array): TemperatureMeasurement {
  requireMandatory(NAME, bytes, [
    { name: 'flags', size: SIZE.uint8 },
    { name: 'temperature', size: SIZE.float },
  ]);
  const flags = bytes[0];
  const has = (bit: number): boolean => (flags & bit) !== 0;
  requireExactLength(NAME, bytes, flags, [
    { name: 'flags', size: SIZE.uint8, present: true },
    { name: 'temperature', size: SIZE.float, present: true },
    { name: 'timestamp', size: SIZE.dateTime, present: has(FLAG_TIMESTAMP) },
    { name: 'temperatureType', size: SIZE.uint8, present: has(FLAG_TEMPERATURE_TYPE) },
  ]);

  const r = new ByteReader(bytes);
  r.uint8();
  const temperature = r.float();
  const timestamp = has(FLAG_TIMESTAMP) ? r.dateTime() : null;
  const temperatureType = has(FLAG_TEMPERATURE_TYPE) ? temperatureTypeOf(r.uint8()) : null;
  return {
    flags,
    unit: has(FLAG_FAHRENHEIT) ? 'fahrenheit' : 'celsius',
    temperature,
    timestamp,
    temperatureType,
  };
}

function temperatureTypeOf(raw: number): TemperatureType {
  return { raw, name: TEMPERATURE_TYPES[raw] ?? 'reserved' };
}

function toReadings(m: TemperatureMeasurement): GattReadings {
  const detail: Record<string, DetailValue> = {};
  if (m.temperatureType !== null) detail.temperatureType = m.temperatureType.name;
  return {
    readings: [
      {
        parameter: 'temperature',
        subIndex: null,
        field: 'temperature',
        reading: m.temperature,
        unit: m.unit === 'fahrenheit' ? '[degF]' : 'Cel',
        mdc: PARAMETER_DEFINITIONS.temperature.mdc,
        essential: true,
      },
    ],
    timestamp: m.timestamp,
    timestampUnreliable: null,
    detail,
    deviceDeclaredInvalid: [],
    otherUser: null,
  };
}

export const temperatureMeasurementCodec: GattCodec<TemperatureMeasurement> = {
  uuid: '2A1C',
  name: NAME,
  source: 'gatt-2a1c',
  decode: decodeTemperatureMeasurement,
  toReadings,
};
