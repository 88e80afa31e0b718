import { PARAMETER_DEFINITIONS } from '@vigil/contracts';
import { type Ieee11073Number, isSpecial } from '../ieee11073/ieee11073-number';
import type { DetailValue, GattReading } from './gatt-codec';

/** A bit field as its raw value and the camelCase names of the defined bits that are set, in bit order. */
export interface PlxStatus {
  raw: number;
  set: string[];
}

/** PLX Measurement Status, bits 5–15 (0–4 reserved for future use). */
export const PLX_MEASUREMENT_STATUS_BITS: ReadonlyMap<number, string> = new Map([
  [5, 'measurementOngoing'],
  [6, 'earlyEstimatedData'],
  [7, 'validatedData'],
  [8, 'fullyQualifiedData'],
  [9, 'dataFromMeasurementStorage'],
  [10, 'dataForDemonstration'],
  [11, 'dataForTesting'],
  [12, 'calibrationOngoing'],
  [13, 'measurementUnavailable'],
  [14, 'questionableMeasurementDetected'],
  [15, 'invalidMeasurementDetected'],
]);

/**
 * PLX Device and Sensor Status, bits 0–15. The field is 24 bits (3 octets) on the air per the
 * Bluetooth SIG definition; bits 16–23 are reserved for future use, kept in `raw` and never named.
 */
export const PLX_DEVICE_AND_SENSOR_STATUS_BITS: ReadonlyMap<number, string> = new Map([
  [0, 'extendedDisplayUpdateOngoing'],
  [1, 'equipmentMalfunctionDetected'],
  [2, 'signalProcessingIrregularityDetected'],
  [3, 'inadequateSignalDetected'],
  [4, 'poorSignalDetected'],
  [5, 'lowPerfusionDetected'],
  [6, 'erraticSignalDetected'],
  [7, 'nonpulsatileSignalDetected'],
  [8, 'questionablePulseDetected'],
  [9, 'signalAnalysisOngoing'],
  [10, 'sensorInterferenceDetected'],
  [11, 'sensorUnconnectedToUser'],
  [12, 'unknownSensorConnected'],
  [13, 'sensorDisplaced'],
  [14, 'sensorMalfunctioning'],
  [15, 'sensorDisconnected'],
]);

export function decodeBits(raw: number, names: ReadonlyMap<number, string>): PlxStatus {
  const set: string[] = [];
  for (const [bit, name] of names) {
    if ((raw & (1 << bit)) !== 0) set.push(name);
  }
  return { raw, set };
}

/**
 * Measurement-status bits that make a reading unusable: the device says there is no valid value
 * (`measurementUnavailable`, `invalidMeasurementDetected`) or that it is not patient data
 * (`dataForDemonstration`, `dataForTesting`). Scoring these would page a nurse for nothing, or
 * worse, reassure. Other bits (questionable, early estimate, …) are kept in `detail`.
 */
export const PLX_INVALIDATING_BITS: readonly string[] = [
  'measurementUnavailable',
  'invalidMeasurementDetected',
  'dataForDemonstration',
  'dataForTesting',
];

interface PlxCommon {
  spo2: Ieee11073Number;
  pulseRate: Ieee11073Number;
  measurementStatus: PlxStatus | null;
  deviceAndSensorStatus: PlxStatus | null;
  pulseAmplitudeIndex: Ieee11073Number | null;
}

/** SpO2 and pulse rate from an oximeter; each stands on its own (no "essential" pair). */
export function plxReadings(m: PlxCommon): GattReading[] {
  return [
    {
      parameter: 'spo2',
      subIndex: 0,
      field: 'spo2',
      reading: m.spo2,
      unit: '%',
      mdc: PARAMETER_DEFINITIONS.spo2.mdc,
      essential: false,
    },
    {
      parameter: 'heartRate',
      subIndex: 1,
      field: 'pulseRate',
      reading: m.pulseRate,
      unit: '/min',
      mdc: 'MDC_PULS_OXIM_PULS_RATE',
      essential: false,
    },
  ];
}

/** Status bits that are set become `true` entries; a numeric pulse amplitude index is kept too. */
export function plxDetail(m: PlxCommon): Record<string, DetailValue> {
  const detail: Record<string, DetailValue> = {};
  for (const name of [...(m.measurementStatus?.set ?? []), ...(m.deviceAndSensorStatus?.set ?? [])]) {
    detail[name] = true;
  }
  if (m.pulseAmplitudeIndex !== null && !isSpecial(m.pulseAmplitudeIndex)) {
    detail.pulseAmplitudeIndex = m.pulseAmplitudeIndex.value;
  }
  return detail;
}

export function plxDeviceDeclaredInvalid(m: PlxCommon): string[] {
  const set = m.measurementStatus?.set ?? [];
  return PLX_INVALIDATING_BITS.filter((name) => set.includes(name)).map(
    (name) => `PLX measurement status ${name}`,
  );
}
