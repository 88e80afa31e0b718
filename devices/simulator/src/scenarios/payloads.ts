import {
  DEVICE_PROTOCOL_VERSION,
  MAX_MEASUREMENTS_PER_MESSAGE,
  type DeviceStatus,
  type Measurement,
  type ReadingsEnvelope,
} from '@vigil/contracts';
import {
  encodeBloodPressureMeasurement,
  encodePlxSpotCheckMeasurement,
  meanArterialPressure,
  toBase64,
} from './gatt-encoder';
import type { Rng } from './random';
import type { DeviceKind, DeviceStyle } from './roster';
import type { Vitals } from './vitals';

/** A readings envelope with its measurements typed (the contract checks them one by one). */
export type ReadingsPayload = Omit<ReadingsEnvelope, 'measurements'> & { measurements: Measurement[] };

export function readingsEnvelope(
  deviceId: string,
  seq: number,
  sentAt: Date,
  measurements: Measurement[],
): ReadingsPayload {
  return { v: DEVICE_PROTOCOL_VERSION, deviceId, seq, sentAt: sentAt.toISOString(), measurements };
}

export function statusHeartbeat(
  deviceId: string,
  seq: number,
  sentAt: Date,
  health: { battery: number; signalDbm: number; firmware: string },
): DeviceStatus {
  return {
    v: DEVICE_PROTOCOL_VERSION,
    deviceId,
    seq,
    sentAt: sentAt.toISOString(),
    battery: health.battery,
    signalDbm: health.signalDbm,
    firmware: health.firmware,
  };
}

/** Splits a store-and-forward backlog into envelopes no larger than the protocol allows. */
export function chunkMeasurements(measurements: Measurement[]): Measurement[][] {
  const chunks: Measurement[][] = [];
  for (let i = 0; i < measurements.length; i += MAX_MEASUREMENTS_PER_MESSAGE) {
    chunks.push(measurements.slice(i, i + MAX_MEASUREMENTS_PER_MESSAGE));
  }
  return chunks;
}

export interface MeasureOptions {
  /** Thermometers of some makes report Fahrenheit; the platform converts. */
  fahrenheit?: boolean;
}

const toFahrenheit = (celsius: number): number => Math.round(((celsius * 9) / 5) * 10 + 320) / 10;

/** What one device of `kind`/`style` measures from `vitals` at `measuredAt`. Falls sensors measure nothing. */
export function measurementsFor(
  kind: DeviceKind,
  style: DeviceStyle,
  vitals: Vitals,
  measuredAt: Date,
  options: MeasureOptions = {},
): Measurement[] {
  const at = measuredAt.toISOString();
  const temperature: Measurement = options.fahrenheit
    ? { type: 'temperature', value: toFahrenheit(vitals.temperatureC), unit: '[degF]', measuredAt: at }
    : { type: 'temperature', value: vitals.temperatureC, unit: 'Cel', measuredAt: at };
  const respiratoryRate: Measurement = {
    type: 'respiratoryRate',
    value: vitals.respiratoryRate,
    unit: '/min',
    measuredAt: at,
  };
  const oximetry: Measurement[] = [
    { type: 'spo2', value: vitals.spo2, unit: '%', measuredAt: at },
    { type: 'heartRate', value: vitals.heartRate, unit: '/min', measuredAt: at },
    // Some oximeters derive respiration rate from the pleth waveform; at home it is otherwise missing.
    respiratoryRate,
  ];
  const bloodPressure: Measurement = {
    type: 'bloodPressure',
    systolic: vitals.systolic,
    diastolic: vitals.diastolic,
    meanArterialPressure: meanArterialPressure(vitals.systolic, vitals.diastolic),
    unit: 'mm[Hg]',
    measuredAt: at,
  };
  if (style === 'falls') return [];
  if (style === 'scale') {
    return vitals.weightKg === undefined
      ? []
      : [{ type: 'bodyWeight', value: vitals.weightKg, unit: 'kg', measuredAt: at }];
  }
  if (style === 'gatt-hub') {
    const bp = encodeBloodPressureMeasurement({
      systolic: vitals.systolic,
      diastolic: vitals.diastolic,
      meanArterialPressure: meanArterialPressure(vitals.systolic, vitals.diastolic),
      // No pulse rate here: the spot-check carries it, and two heart rates from one device at one
      // instant would be deduplicated by the platform as the same observation.
    });
    const plx = encodePlxSpotCheckMeasurement({ spo2: vitals.spo2, pulseRate: vitals.heartRate });
    return [
      { type: 'gatt', characteristic: '2A35', data: toBase64(bp), measuredAt: at },
      { type: 'gatt', characteristic: '2A5E', data: toBase64(plx), measuredAt: at },
      temperature,
      respiratoryRate,
    ];
  }
  if (style === 'batch-hub') return [...oximetry, bloodPressure, temperature];
  switch (kind) {
    case 'pulse-oximeter':
      return oximetry;
    case 'blood-pressure':
      return [bloodPressure];
    case 'thermometer':
      return [temperature];
    case 'hub':
      return [...oximetry, bloodPressure, temperature];
    case 'falls-sensor':
      return [];
  }
}

const ROOMS = ['kitchen', 'bathroom', 'hallway', 'bedroom', 'living room', 'stairs'] as const;

/** A fall detected `secondsAgo` before `now` (detection precedes the upload by a moment). */
export function fallMeasurement(now: Date, rng: Rng, secondsAgo = 2): Measurement {
  return {
    type: 'fall',
    confidence: Math.round(rng.between(0.82, 0.99) * 100) / 100,
    location: rng.pick(ROOMS),
    measuredAt: new Date(now.getTime() - secondsAgo * 1000).toISOString(),
  };
}

/** The ways a simulated device gets a message wrong; each must end in the platform's dead-letter store. */
export const MALFORMED_KINDS = ['malformed-json', 'invalid-envelope', 'invalid-measurement'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** A deliberately bad readings payload, as a buggy firmware would send. */
export function malformedPayload(
  kind: MalformedKind,
  deviceId: string,
  seq: number,
  now: Date,
  vitals: Vitals,
): string {
  const at = now.toISOString();
  switch (kind) {
    case 'malformed-json':
      // Cut off mid-object, as a truncated write would leave it.
      return JSON.stringify(readingsEnvelope(deviceId, seq, now, [])).slice(0, 40);
    case 'invalid-envelope':
      return JSON.stringify({ v: DEVICE_PROTOCOL_VERSION, deviceId, seq, sentAt: at, measurements: [] });
    case 'invalid-measurement':
      // `bpm` is not the UCUM unit the protocol requires (`/min`).
      return JSON.stringify({
        v: DEVICE_PROTOCOL_VERSION,
        deviceId,
        seq,
        sentAt: at,
        measurements: [{ type: 'heartRate', value: vitals.heartRate, unit: 'bpm', measuredAt: at }],
      });
  }
}
