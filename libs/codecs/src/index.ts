export { CodecError, type CodecErrorCode } from './codec-error';
export {
  isSpecial,
  type Ieee11073Number,
  type Ieee11073Special,
  type Ieee11073SpecialValue,
  type Ieee11073Value,
} from './ieee11073/ieee11073-number';
export { decodeSfloat } from './ieee11073/sfloat';
export { decodeFloat } from './ieee11073/float';
export type { GattDateTime } from './gatt/byte-reader';
export type { DetailValue, GattCodec, GattReading, GattReadings } from './gatt/gatt-codec';
export {
  decodeBloodPressureMeasurement,
  bloodPressureMeasurementCodec,
  otherCuffUser,
  PATIENT_CUFF_USER,
  UNKNOWN_CUFF_USER,
  type BloodPressureMeasurement,
  type BloodPressureMeasurementStatus,
  type PulseRateRange,
} from './gatt/blood-pressure-measurement.codec';
export {
  PLX_MEASUREMENT_STATUS_BITS,
  PLX_DEVICE_AND_SENSOR_STATUS_BITS,
  PLX_INVALIDATING_BITS,
  type PlxStatus,
} from './gatt/plx-common';
export {
  decodePlxSpotCheckMeasurement,
  plxSpotCheckCodec,
  type PlxSpotCheckMeasurement,
} from './gatt/plx-spot-check.codec';
export {
  decodePlxContinuousMeasurement,
  plxContinuousCodec,
  type PlxContinuousMeasurement,
} from './gatt/plx-continuous.codec';
export {
  decodeTemperatureMeasurement,
  temperatureMeasurementCodec,
  type TemperatureMeasurement,
  type TemperatureType,
  type TemperatureTypeName,
} from './gatt/temperature-measurement.codec';
export {
  GATT_CHARACTERISTICS,
  decodeGattCharacteristic,
  readGattCharacteristic,
  isSupportedGattCharacteristic,
  normaliseGattUuid,
  type GattCharacteristicUuid,
  type GattDecodedTypes,
  type DecodedGattCharacteristic,
} from './gatt/gatt-registry';
export {
  HUB_MEASURED_AT,
  normaliseReadings,
  type NormaliseContext,
  type NormaliseResult,
} from './normalise/normalise-readings';
export {
  decidePeripheralTime,
  PERIPHERAL_CLOCK_TOLERANCE_MS,
  PERIPHERAL_MEMORY_MS,
  type PeripheralTimeDecision,
} from './normalise/peripheral-clock';
export { MMHG_PER_KPA, roundToOneDecimal, kpaToMmHg, fahrenheitToCelsius } from './normalise/units';
