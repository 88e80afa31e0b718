import type { ObservationSource, Parameter } from '@vigil/contracts';
import type { Ieee11073Number } from '../ieee11073/ieee11073-number';
import type { GattDateTime } from './byte-reader';

/** Values allowed in an observation's `detail`. */
export type DetailValue = string | number | boolean;

/** One clinical value a characteristic carries, before unit conversion and range checks. */
export interface GattReading {
  parameter: Parameter;
  /**
   * Fixed position of this value within its characteristic (e.g. blood pressure: systolic 0,
   * diastolic 1, MAP 2, pulse 3), used in the observation id; null for single-value formats.
   * Fixed per field, not per emitted order, so ids stay the same whether or not optional fields came.
   */
  subIndex: number | null;
  /** Name of the decoded field, for rejection details. */
  field: string;
  reading: Ieee11073Number;
  /** UCUM unit the value was sent in. */
  unit: string;
  /** IEEE 11073-10101 reference id for this value from this kind of device. */
  mdc: string | null;
  /** When this value fails, the whole measurement is rejected (a half blood pressure misleads). */
  essential: boolean;
}

/** What a GATT codec hands to normalisation: format-specific knowledge stays in the codec file. */
export interface GattReadings {
  readings: GattReading[];
  /** Device time from the characteristic; null when absent. */
  timestamp: GattDateTime | null;
  /** Why the device time must not be used even if present (e.g. PLX "device clock not set"). */
  timestampUnreliable: string | null;
  /** Status worth keeping on every observation of this measurement. */
  detail: Record<string, DetailValue>;
  /**
   * Conditions the device itself declares that make the whole reading unusable (e.g. PLX
   * "measurement unavailable"); any entry rejects the measurement.
   */
  deviceDeclaredInvalid: string[];
  /**
   * Set when the reading is someone else's, not the patient's (a multi-user cuff's other user): why, in words.
   * The measurement is dead-lettered `other-cuff-user`, never stored as the patient's (HZ-05).
   */
  otherUser: string | null;
}

/** A Bluetooth GATT characteristic codec: one file per format, registered in `gatt-registry.ts`. */
export interface GattCodec<T> {
  /** 16-bit characteristic UUID, upper-case hex without prefix, e.g. `2A35`. */
  uuid: string;
  name: string;
  source: ObservationSource;
  decode(bytes: Uint8Array): T;
  toReadings(decoded: T): GattReadings;
}
