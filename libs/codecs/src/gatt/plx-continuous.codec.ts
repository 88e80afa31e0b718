import type { Ieee11073Number } from '../ieee11073/ieee11073-number';
import { ByteReader, requireExactLength, requireMandatory, SIZE } from './byte-reader';
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

/** PLX Continuous Measurement (0x2A5F), Bluetooth SIG Pulse Oximeter Service. */
const NAME = 'PLX Continuous Measurement (0x2A5F)';

const FLAG_FAST = 0x01;
const FLAG_SLOW = 0x02;
const FLAG_MEASUREMENT_STATUS = 0x04;
const FLAG_DEVICE_AND_SENSOR_STATUS = 0x08;
const FLAG_PULSE_AMPLITUDE_INDEX = 0x10;

export interface PlxContinuousMeasurement {
  /** The flags octet as sent (reserved bits included, and ignored). */
  flags: number;
  /** SpO2PR-Normal. */
  spo2: Ieee11073Number;
  pulseRate: Ieee11073Number;
  spo2Fast: Ieee11073Number | null;
  pulseRateFast: Ieee11073Number | null;
  spo2Slow: Ieee11073Number | null;
  pulseRateSlow: Ieee11073Number | null;
  measurementStatus: PlxStatus | null;
  deviceAndSensorStatus: PlxStatus | null;
  pulseAmplitudeIndex: Ieee11073Number | null;
}

/**
 * Decodes a PLX Continuous Measurement value (values as sent). Throws `CodecError` on input that
 * is too short, shorter or longer than the flags call for.
 */
export function decodePlxContinuousMeasurement(bytes: Uint8Array): PlxContinuousMeasurement {
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
    { name: 'spo2Fast/pulseRateFast', size: 2 * SIZE.sfloat, present: has(FLAG_FAST) },
    { name: 'spo2Slow/pulseRateSlow', size: 2 * SIZE.sfloat, present: has(FLAG_SLOW) },
    { name: 'measurementStatus', size: SIZE.uint16, present: has(FLAG_MEASUREMENT_STATUS) },
    { name: 'deviceAndSensorStatus', size: SIZE.uint24, present: has(FLAG_DEVICE_AND_SENSOR_STATUS) },
    { name: 'pulseAmplitudeIndex', size: SIZE.sfloat, present: has(FLAG_PULSE_AMPLITUDE_INDEX) },
  ]);

  const r = new ByteReader(bytes);
  r.uint8();
  const spo2 = r.sfloat();
  const pulseRate = r.sfloat();
  const spo2Fast = has(FLAG_FAST) ? r.sfloat() : null;
  const pulseRateFast = has(FLAG_FAST) ? r.sfloat() : null;
  const spo2Slow = has(FLAG_SLOW) ? r.sfloat() : null;
  const pulseRateSlow = has(FLAG_SLOW) ? r.sfloat() : null;
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
    spo2Fast,
    pulseRateFast,
    spo2Slow,
    pulseRateSlow,
    measurementStatus,
    deviceAndSensorStatus,
    pulseAmplitudeIndex,
  };
}

/** Only SpO2PR-Normal becomes observations; Fast and Slow are other averagings of the same signal. */
function toReadings(m: PlxContinuousMeasurement): GattReadings {
  return {
    readings: plxReadings(m),
    timestamp: null,
    timestampUnreliable: null,
    detail: plxDetail(m),
    deviceDeclaredInvalid: plxDeviceDeclaredInvalid(m),
    otherUser: null,
  };
}

export const plxContinuousCodec: GattCodec<PlxContinuousMeasurement> = {
  uuid: '2A5F',
  name: NAME,
  source: 'gatt-2a5f',
  decode: decodePlxContinuousMeasurement,
  toReadings,
};
