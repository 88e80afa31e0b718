import { z } from 'zod';
import { PARAMETERS } from './parameters';

export const OBSERVATION_SOURCES = [
  'json',
  'gatt-2a35',
  'gatt-2a5e',
  'gatt-2a5f',
  'gatt-2a1c',
  'fall-sensor',
  'manual',
  // Issue 14: answers and readings reported by the patient, a carer, or a nurse on the phone for them.
  'patient-reported',
  'carer-reported',
  'nurse-reported-by-phone',
] as const;
export type ObservationSource = (typeof OBSERVATION_SOURCES)[number];

const isoInstant = z.iso.datetime({ offset: true });

/**
 * The canonical observation (SPEC §3): every reading, whatever its device format, becomes this.
 * `id` is deterministic for device readings (`{deviceId}:{seq}:{index}`) so replays deduplicate.
 */
export const canonicalObservationSchema = z.object({
  id: z.string().min(1).max(200),
  patientId: z.uuid(),
  /** Null for observations a nurse entered by hand. */
  deviceId: z.string().nullable(),
  parameter: z.enum(PARAMETERS),
  value: z.number(),
  /** For coded values: ACVPU letter for consciousness, `air`/`oxygen` for inspired oxygen. */
  valueCode: z.string().nullable(),
  /** Canonical UCUM unit. */
  unit: z.string(),
  loinc: z.string().nullable(),
  mdc: z.string().nullable(),
  /** The value and unit as the device sent them, when converted (kPa→mmHg, °F→°C). */
  original: z.object({ value: z.number(), unit: z.string() }).nullable(),
  /** Device (event) time. */
  measuredAt: isoInstant,
  /** Platform time the message arrived. */
  receivedAt: isoInstant,
  source: z.enum(OBSERVATION_SOURCES),
  /** `{deviceId}:{seq}` for device messages; a uuid for manual entries. */
  messageId: z.string(),
  seq: z.number().int().nonnegative().nullable(),
  /** Format-specific extras: fall location, Bluetooth measurement-status flags. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable(),
  /** User id of the nurse for manual observations; `access-code:{id}` for patient- and carer-reported ones. */
  enteredBy: z.string().nullable(),
});
export type CanonicalObservation = z.infer<typeof canonicalObservationSchema>;

/** What the codecs produce before ingest resolves the patient binding. */
export type DeviceObservation = Omit<CanonicalObservation, 'patientId'>;

/**
 * Observations in event-time (`measuredAt`) order, stable: equal times keep their order. Each time is parsed once,
 * not in every comparison (issue 11: on the hot path, in ingest and in the alerting core).
 */
export function byEventTime<T extends { measuredAt: string }>(list: readonly T[]): T[] {
  return list
    .map((o) => ({ o, at: Date.parse(o.measuredAt) }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.o);
}
