import type { Ieee11073Number } from '../ieee11073/ieee11073-number';
import { ByteReader, type GattDateTime, requireExactLength, requireMandatory, SIZE } from './byte-reader';
import type { GattCodec, GattReadings } from './gatt-codec';
import {
  decodeBits,
  PLX_DEVICE_AND_SENSOR_STATUS_BITS,
  PLX_MEASUREMENT_STATUS_BITS,
  plxDetail,
  plxDeviceDeclaredInvalid,
  plxReadings,
  type PlxStatus,
} from './plx-common';

/** PLX Spot-Check Measurement (0x2A5E), Bluetooth SIG Pulse Oximeter Service. */
const NAME = 'PLX Spot-Check Measurement (0x2A5E)';

const FLAG_TIMESTAMP = 0x01;
const FLAG_MEASUREMENT_STATUS = 0x02;
const FLAG_DEVICE_AND_SENSOR_STATUS = 0x04;
const FLAG_PULSE_AMPLITUDE_INDEX = 0x08;
const FLAG_DEVICE_CLOCK_NOT_SET = 0x10;

export interface PlxSpotCheckMeasurement {
  /** The flags octet as sent (reserved bits included, and ignored). */
  flags: number;
  spo2: Ieee11073Number;
  pulseRate: Ieee11073Number;
  timestamp: GattDateTime | null;
  measurementStatus: PlxStatus | null;
  deviceAndSensorStatus: PlxStatus | null;
  pulseAmplitudeIndex: Ieee11073Number | null;
  deviceClockNotSet: boolean;
}

/**
 * Decodes a PLX Spot-Check Measurement value (values as sent). Throws `CodecError` on input that
 * is too short, shorter or longer than the flags call for.
 */
export function decodePlxSpotCheckMeasurement(bytes: Uint8Array): PlxSpotCheckMeasurement {
  requireMandatory(NAME, bytes, [
    { name: 'flags', size: SIZE.uint8 },
    { name: 'spo2', size: SIZE.sfloat },
    { name: 'pulseRate', size: SIZE.sfloat },
  ]);
  const flags = bytes[0];
  const has = (bit: number): boolean => (flags & bit) !== 0;
  requireExactLength(NAME, bytes, flags, [
    { name: 'flags', size: SIZE.uint8, present: true },
    { name: 'spo2/pulseRate', size: 2 * SIZE.sfloat, present: true },
    { name: 'timestamp', size: SIZE.dateTime, present: has(FLAG_TIMESTAMP) },
    { name: 'measurementStatus', size: SIZE.uint16, present: has(FLAG_MEASUREMENT_STATUS) },
    { name: 'deviceAndSensorStatus', size: SIZE.uint24, present: has(FLAG_DEVICE_AND_SENSOR_STATUS) },
    { name: 'pulseAmplitudeIndex', size: SIZE.sfloat, present: has(FLAG_PULSE_AMPLITUDE_INDEX) },
  ]);

  const r = new ByteReader(bytes);
  r.uint8();
  const spo2 = r.sfloat();
  const pulseRate = r.sfloat();
  const timestamp = has(FLAG_TIMESTAMP) ? r.dateTime() : null;
  const measurementStatus = has(FLAG_MEASUREMENT_STATUS)
    ? decodeBits(r.uint16(), PLX_MEASUREMENT_STATUS_BITS)
    : null;
  const deviceAndSensorStatus = has(FLAG_DEVICE_AND_SENSOR_STATUS)
    ? decodeBits(r.uint24(), PLX_DEVICE_AND_SENSOR_STATUS_BITS)
    : null;
  const pulseAmplitudeIndex = has(FLAG_PULSE_AMPLITUDE_INDEX) ? r.sfloat() : null;
  return {
    flags,
    spo2,
    pulseRate,
    timestamp,
    measurementStatus,
    deviceAndSensorStatus,
    pulseAmplitudeIndex,
    deviceClockNotSet: has(FLAG_DEVICE_CLOCK_NOT_SET),
  };
}

function toReadings(m: PlxSpotCheckMeasurement): GattReadings {
  const detail = plxDetail(m);
  if (m.deviceClockNotSet) detail.deviceClockNotSet = true;
  return {
    readings: plxReadings(m),
    timestamp: m.timestamp,
    timestampUnreliable: m.deviceClockNotSet ? 'the device clock is not set' : null,
    detail,
    deviceDeclaredInvalid: plxDeviceDeclaredInvalid(m),
    otherUser: null,
  };
}

export const plxSpotCheckCodec: GattCodec<PlxSpotCheckMeasurement> = {
  uuid: '2A5E',
  name: NAME,
  source: 'gatt-2a5e',
  decode: decodePlxSpotCheckMeasurement,
  toReadings,
};
