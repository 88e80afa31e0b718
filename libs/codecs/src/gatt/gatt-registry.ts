import { CodecError } from '../codec-error';
import {
  type BloodPressureMeasurement,
  bloodPressureMeasurementCodec,
} from './blood-pressure-measurement.codec';
import type { GattCodec, GattReadings } from './gatt-codec';
import { type PlxContinuousMeasurement, plxContinuousCodec } from './plx-continuous.codec';
import { type PlxSpotCheckMeasurement, plxSpotCheckCodec } from './plx-spot-check.codec';
import { type TemperatureMeasurement, temperatureMeasurementCodec } from './temperature-measurement.codec';

/** Decoded value type per supported characteristic UUID. A new format is one file plus one line here. */
export interface GattDecodedTypes {
  '2A35': BloodPressureMeasurement;
  '2A5E': PlxSpotCheckMeasurement;
  '2A5F': PlxContinuousMeasurement;
  '2A1C': TemperatureMeasurement;
}

export type GattCharacteristicUuid = keyof GattDecodedTypes;

/** A decoded characteristic, tagged with its UUID so callers can narrow on it. */
export type DecodedGattCharacteristic = {
  [K in GattCharacteristicUuid]: { uuid: K; name: string; value: GattDecodedTypes[K] };
}[GattCharacteristicUuid];

const GATT_CODECS: { readonly [K in GattCharacteristicUuid]: GattCodec<GattDecodedTypes[K]> } = {
  '2A35': bloodPressureMeasurementCodec,
  '2A5E': plxSpotCheckCodec,
  '2A5F': plxContinuousCodec,
  '2A1C': temperatureMeasurementCodec,
};

/** The supported characteristic UUIDs. */
export const GATT_CHARACTERISTICS: readonly GattCharacteristicUuid[] = Object.keys(
  GATT_CODECS,
) as GattCharacteristicUuid[];

const BASE_UUID_SUFFIX = '-0000-1000-8000-00805F9B34FB';

/**
 * Canonical form of a characteristic UUID: `2A35`, `0x2a35` and the full Bluetooth base UUID
 * `00002a35-0000-1000-8000-00805f9b34fb` all become `2A35`. Null for anything else.
 */
export function normaliseGattUuid(uuid: string): string | null {
  const upper = uuid.trim().toUpperCase();
  const short = /^(?:0X)?([0-9A-F]{4})$/.exec(upper);
  if (short) return short[1];
  const full = /^0000([0-9A-F]{4})(-.*)$/.exec(upper);
  if (full && full[2] === BASE_UUID_SUFFIX) return full[1];
  return null;
}

/** True when a codec exists for the UUID (any form `normaliseGattUuid` accepts). */
export function isSupportedGattCharacteristic(uuid: string): boolean {
  return lookup(uuid) !== null;
}

function lookup(uuid: string): GattCharacteristicUuid | null {
  const key = normaliseGattUuid(uuid);
  return key !== null && Object.prototype.hasOwnProperty.call(GATT_CODECS, key)
    ? (key as GattCharacteristicUuid)
    : null;
}

function requireCodec(uuid: string): GattCharacteristicUuid {
  const key = lookup(uuid);
  if (key === null) {
    throw new CodecError(
      'unsupported-characteristic',
      `unsupported GATT characteristic ${JSON.stringify(uuid)}; supported: ${GATT_CHARACTERISTICS.join(', ')}`,
    );
  }
  return key;
}

function decodeWith<K extends GattCharacteristicUuid>(
  key: K,
  bytes: Uint8Array,
): { uuid: K; name: string; value: GattDecodedTypes[K] } {
  const codec = GATT_CODECS[key];
  return { uuid: key, name: codec.name, value: codec.decode(bytes) };
}

/**
 * Decodes a GATT characteristic value with the codec registered for its UUID. Throws `CodecError`
 * (code `unsupported-characteristic`) for an unknown UUID, and whatever the codec throws otherwise.
 */
export function decodeGattCharacteristic(uuid: string, bytes: Uint8Array): DecodedGattCharacteristic {
  // decodeWith is exact per key; TypeScript cannot distribute the generic over the union itself.
  return decodeWith(requireCodec(uuid), bytes) as DecodedGattCharacteristic;
}

function readWith<K extends GattCharacteristicUuid>(
  key: K,
  bytes: Uint8Array,
): GattReadings & { name: string; source: GattCodec<unknown>['source'] } {
  const codec = GATT_CODECS[key];
  return { ...codec.toReadings(codec.decode(bytes)), name: codec.name, source: codec.source };
}

/**
 * Decodes and extracts the clinical readings of a characteristic value, for normalisation.
 * Throws `CodecError` like `decodeGattCharacteristic`.
 */
export function readGattCharacteristic(
  uuid: string,
  bytes: Uint8Array,
): GattReadings & { name: string; source: GattCodec<unknown>['source'] } {
  return readWith(requireCodec(uuid), bytes);
}
