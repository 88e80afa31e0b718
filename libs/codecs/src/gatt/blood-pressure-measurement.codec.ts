import { PARAMETER_DEFINITIONS } from '@vigil/contracts';
import type { Ieee11073Number } from '../ieee11073/ieee11073-number';
import { ByteReader, type GattDateTime, requireExactLength, requireMandatory, SIZE } from './byte-reader';
import type { DetailValue, GattCodec, GattReading, GattReadings } from './gatt-codec';

/** Blood Pressure Measurement (0x2A35), Bluetooth SIG GATT Specification Supplement. */
const NAME = 'Blood Pressure Measurement (0x2A35)';

const FLAG_KPA = 0x01;
const FLAG_TIMESTAMP = 0x02;
const FLAG_PULSE_RATE = 0x04;
const FLAG_USER_ID = 0x08;
const FLAG_MEASUREMENT_STATUS = 0x10;

/**
 * The cuff user who is the patient, by default: user 1, the first user of a multi-user cuff (the "1" button of a
 * two-user cuff). The registry has no per-device or per-binding setting for it yet, so the cuff is set up with the
 * patient as user 1 when it is issued (docs/device-protocol.md).
 */
export const PATIENT_CUFF_USER = 1;
/** Bluetooth SIG User ID 0xFF: "unknown user" — the cuff cannot say who measured. */
export const UNKNOWN_CUFF_USER = 0xff;

export type PulseRateRange = 'withinRange' | 'aboveUpperLimit' | 'belowLowerLimit' | 'reserved';

const PULSE_RATE_RANGES: readonly PulseRateRange[] = [
  'withinRange',
  'aboveUpperLimit',
  'belowLowerLimit',
  'reserved',
];

export interface BloodPressureMeasurementStatus {
  raw: number;
  bodyMovementDetected: boolean;
  cuffTooLoose: boolean;
  irregularPulseDetected: boolean;
  pulseRateRange: PulseRateRange;
  improperMeasurementPosition: boolean;
}

export interface BloodPressureMeasurement {
  /** The flags octet as sent (reserved bits included, and ignored). */
  flags: number;
  unit: 'mmHg' | 'kPa';
  systolic: Ieee11073Number;
  diastolic: Ieee11073Number;
  meanArterialPressure: Ieee11073Number;
  timestamp: GattDateTime | null;
  pulseRate: Ieee11073Number | null;
  /** 0xFF means "unknown user". */
  userId: number | null;
  measurementStatus: BloodPressureMeasurementStatus | null;
}

/**
 * Decodes a Blood Pressure Measurement value. Values are reported as sent: no unit conversion,
 * no range checks. Throws `CodecError` on input that is too short, shorter or longer than the
 * flags call for.
 */
export function decodeBloodPressureMeasurement(bytes: Uint8Array): BloodPressureMeasurement {
  requireMandatory(NAME, bytes, [
    { name: 'flags', size: SIZE.uint8 },
    { name: 'systolic', size: SIZE.sfloat },
    { name: 'diastolic', size: SIZE.sfloat },
    { name: 'meanArterialPressure', size: SIZE.sfloat },
  ]);
  const flags = bytes[0];
  const has = (bit: number): boolean => (flags & bit) !== 0;
  requireExactLength(NAME, bytes, flags, [
    { name: 'flags', size: SIZE.uint8, present: true },
    { name: 'systolic/diastolic/MAP', size: 3 * SIZE.sfloat, present: true },
    { name: 'timestamp', size: SIZE.dateTime, present: has(FLAG_TIMESTAMP) },
    { name: 'pulseRate', size: SIZE.sfloat, present: has(FLAG_PULSE_RATE) },
    { name: 'userId', size: SIZE.uint8, present: has(FLAG_USER_ID) },
    { name: 'measurementStatus', size: SIZE.uint16, present: has(FLAG_MEASUREMENT_STATUS) },
  ]);

  const r = new ByteReader(bytes);
  r.uint8();
  const systolic = r.sfloat();
  const diastolic = r.sfloat();
  const meanArterialPressure = r.sfloat();
  const timestamp = has(FLAG_TIMESTAMP) ? r.dateTime() : null;
  const pulseRate = has(FLAG_PULSE_RATE) ? r.sfloat() : null;
  const userId = has(FLAG_USER_ID) ? r.uint8() : null;
  const measurementStatus = has(FLAG_MEASUREMENT_STATUS) ? decodeStatus(r.uint16()) : null;
  return {
    flags,
    unit: has(FLAG_KPA) ? 'kPa' : 'mmHg',
    systolic,
    diastolic,
    meanArterialPressure,
    timestamp,
    pulseRate,
    userId,
    measurementStatus,
  };
}

/**
 * HZ-05: why a reading with this User ID is not the patient's, or null when it is to be taken as theirs. No User ID
 * (a single-user cuff), the patient's user ({@link PATIENT_CUFF_USER}) and "unknown user" ({@link UNKNOWN_CUFF_USER})
 * are the patient's: a cuff that cannot name its user says no more than one that sends no User ID, and such a cuff
 * would otherwise have every reading refused. Any other user (the spouse on user 2) is someone else. Pure.
 */
export function otherCuffUser(userId: number | null): string | null {
  if (userId === null || userId === PATIENT_CUFF_USER || userId === UNKNOWN_CUFF_USER) return null;
  return `cuff user ${userId}; this cuff's patient is user ${PATIENT_CUFF_USER}`;
}

function decodeStatus(raw: number): BloodPressureMeasurementStatus {
  return {
    raw,
    bodyMovementDetected: (raw & 0x0001) !== 0,
    cuffTooLoose: (raw & 0x0002) !== 0,
    irregularPulseDetected: (raw & 0x0004) !== 0,
    pulseRateRange: PULSE_RATE_RANGES[(raw >> 3) & 0x03],
    improperMeasurementPosition: (raw & 0x0020) !== 0,
  };
}

function toReadings(m: BloodPressureMeasurement): GattReadings {
  const unit = m.unit === 'kPa' ? 'kPa' : 'mm[Hg]';
  const pressure = (
    parameter: 'systolicBp' | 'diastolicBp' | 'meanArterialPressure',
    subIndex: number,
    field: string,
    reading: Ieee11073Number,
    essential: boolean,
  ): GattReading => ({
    parameter,
    subIndex,
    field,
    reading,
    unit,
    mdc: PARAMETER_DEFINITIONS[parameter].mdc,
    essential,
  });
  const readings = [
    pressure('systolicBp', 0, 'systolic', m.systolic, true),
    pressure('diastolicBp', 1, 'diastolic', m.diastolic, true),
    pressure('meanArterialPressure', 2, 'meanArterialPressure', m.meanArterialPressure, false),
  ];
  if (m.pulseRate !== null) {
    readings.push({
      parameter: 'heartRate',
      subIndex: 3,
      field: 'pulseRate',
      reading: m.pulseRate,
      unit: '/min',
      mdc: PARAMETER_DEFINITIONS.heartRate.mdc,
      essential: false,
    });
  }
  const detail: Record<string, DetailValue> = {};
  if (m.userId !== null) detail.userId = m.userId;
  if (m.measurementStatus !== null) {
    const { raw: _raw, ...status } = m.measurementStatus;
    Object.assign(detail, status);
  }
  return {
    readings,
    timestamp: m.timestamp,
    timestampUnreliable: null,
    detail,
    deviceDeclaredInvalid: [],
    otherUser: otherCuffUser(m.userId),
  };
}

export const bloodPressureMeasurementCodec: GattCodec<BloodPressureMeasurement> = {
  uuid: '2A35',
  name: NAME,
  source: 'gatt-2a35',
  decode: decodeBloodPressureMeasurement,
  toReadings,
};
