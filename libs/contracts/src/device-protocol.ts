import { z } from 'zod';
import { PARAMETERS } from './parameters';
import { DEVICE_ID_PATTERN, DEVICE_PROTOCOL_VERSION } from './topics';

/**
 * Device protocol v1 (SPEC §3, docs/device-protocol.md). The envelope is validated first; each
 * measurement is then validated on its own so that one bad measurement never sinks a batch.
 */

/** Largest MQTT payload ingest accepts, in bytes. A store-and-forward batch of 500 fits easily. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/**
 * Largest MQTT packet a broker accepts (payload, topic and headers): the embedded broker closes a connection
 * that announces a bigger one before reading it, and infra/mosquitto sets the same `max_packet_size`.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 1024;
/** Most measurements one envelope may carry. */
export const MAX_MEASUREMENTS_PER_MESSAGE = 500;
/** A `measuredAt` further than this in the future is rejected (SPEC §3). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/**
 * R12: a device clock further than this from the platform's (its `sentAt` against receipt) is not trusted
 * alone: the offset is recorded, each `measuredAt` is corrected by it, and the reading is flagged, so a
 * wrong clock can neither attribute a reading to another patient nor make it look current or old.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60 * 1000;
/**
 * D7 and R12 together: a `sentAt` further ahead of the platform's clock than this is no clock skew to
 * correct for but an impossible time (year 9999), and the message is dead-lettered (`future-timestamp`).
 * Between {@link CLOCK_SKEW_TOLERANCE_MS} and this, the clock is corrected for and the readings flagged.
 */
export const MAX_CLOCK_CORRECTION_MS = 24 * 60 * 60 * 1000;

const isoInstant = z.iso.datetime({ offset: true });

export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'device id: 1–64 of A–Z a–z 0–9 . _ -');

/** The JSON envelope for readings; `measurements` are checked one by one with `measurementSchema`. */
export const readingsEnvelopeSchema = z.object({
  v: z.literal(DEVICE_PROTOCOL_VERSION),
  deviceId: deviceIdSchema,
  /** Per-device, monotonically increasing message number; (deviceId, seq) identifies a message. */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  sentAt: isoInstant,
  measurements: z.array(z.unknown()).min(1).max(MAX_MEASUREMENTS_PER_MESSAGE),
});
export type ReadingsEnvelope = z.infer<typeof readingsEnvelopeSchema>;

const base = { measuredAt: isoInstant };

export const heartRateMeasurementSchema = z.object({
  ...base,
  type: z.literal('heartRate'),
  value: z.number(),
  unit: z.literal('/min'),
});
export const respiratoryRateMeasurementSchema = z.object({
  ...base,
  type: z.literal('respiratoryRate'),
  value: z.number(),
  unit: z.literal('/min'),
});
export const spo2MeasurementSchema = z.object({
  ...base,
  type: z.literal('spo2'),
  value: z.number(),
  unit: z.literal('%'),
});
export const temperatureMeasurementSchema = z.object({
  ...base,
  type: z.literal('temperature'),
  value: z.number(),
  /** UCUM: `Cel` or `[degF]`; Fahrenheit is converted to Celsius and the original kept. */
  unit: z.enum(['Cel', '[degF]']),
});
export const bloodPressureMeasurementSchema = z.object({
  ...base,
  type: z.literal('bloodPressure'),
  systolic: z.number(),
  diastolic: z.number(),
  meanArterialPressure: z.number().optional(),
  /** Pulse reported by the cuff, in /min. */
  pulseRate: z.number().optional(),
  /** UCUM: `mm[Hg]` or `kPa`; kPa is converted to mmHg and the original kept. */
  unit: z.enum(['mm[Hg]', 'kPa']),
});
/** Bluetooth pass-through from a home hub: the raw GATT characteristic value. */
export const gattMeasurementSchema = z.object({
  ...base,
  type: z.literal('gatt'),
  /** 16-bit characteristic UUID as hex: 2A35 blood pressure, 2A5E PLX spot-check, 2A5F PLX continuous, 2A1C temperature. */
  characteristic: z
    .string()
    .regex(/^(0x)?[0-9A-Fa-f]{4}$/, 'characteristic: a 16-bit UUID in hex, e.g. 2A35')
    .transform((s) => s.replace(/^0x/, '').toUpperCase()),
  /** The characteristic value, base64. */
  data: z.base64(),
});
/** Body weight from a connected scale (heart-failure and SMI pathways, issue 13); kg only. */
export const bodyWeightMeasurementSchema = z.object({
  ...base,
  type: z.literal('bodyWeight'),
  value: z.number(),
  unit: z.literal('kg'),
});
/** A fall from a falls sensor or pendant; `measuredAt` is the detection time. */
export const fallMeasurementSchema = z.object({
  ...base,
  type: z.literal('fall'),
  confidence: z.number().min(0).max(1),
  location: z.string().min(1).max(64).optional(),
});

export const measurementSchema = z.discriminatedUnion('type', [
  heartRateMeasurementSchema,
  respiratoryRateMeasurementSchema,
  spo2MeasurementSchema,
  temperatureMeasurementSchema,
  bloodPressureMeasurementSchema,
  gattMeasurementSchema,
  fallMeasurementSchema,
  bodyWeightMeasurementSchema,
]);
export type Measurement = z.infer<typeof measurementSchema>;
export type GattMeasurement = z.infer<typeof gattMeasurementSchema>;

/** Heartbeat on `…/status`: proves the device is alive; battery and signal feed technical alerts. */
export const deviceStatusSchema = z.object({
  v: z.literal(DEVICE_PROTOCOL_VERSION),
  deviceId: deviceIdSchema,
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  sentAt: isoInstant,
  /** Battery level, percent. */
  battery: z.number().min(0).max(100).optional(),
  /** Received signal strength, dBm. */
  signalDbm: z.number().min(-150).max(0).optional(),
  firmware: z.string().min(1).max(64).optional(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/**
 * A command to a device on `vigil/v1/devices/{deviceId}/commands` (issue 13, docs/device-protocol.md,
 * docs/decisions/0006-device-commands.md). `reading-due`: the patient's plan wants a reading of `parameter`
 * now (due at `dueAt`, overdue — and alerting — after `overdueAt`). `commandId` identifies the reminder of
 * one due reading: a redelivered command has the same id, and a device acts on an id once.
 */
export const readingDueCommandSchema = z.object({
  v: z.literal(DEVICE_PROTOCOL_VERSION),
  type: z.literal('reading-due'),
  commandId: z.uuid(),
  deviceId: deviceIdSchema,
  parameter: z.enum(PARAMETERS),
  dueAt: isoInstant,
  overdueAt: isoInstant,
  issuedAt: isoInstant,
});
export const deviceCommandSchema = z.discriminatedUnion('type', [readingDueCommandSchema]);
export type ReadingDueCommand = z.infer<typeof readingDueCommandSchema>;
export type DeviceCommand = z.infer<typeof deviceCommandSchema>;
