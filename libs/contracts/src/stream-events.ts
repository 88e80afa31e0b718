import { z } from 'zod';
import { type CanonicalObservation, canonicalObservationSchema } from './observation';

const isoInstant = z.iso.datetime({ offset: true });

/** `vitals.observations`: a canonical observation, keyed by patient id. */
export const observationEventSchema = z.object({
  type: z.literal('observation'),
  observation: canonicalObservationSchema,
});

const canonical = canonicalObservationSchema.shape;

/**
 * One observation of a {@link ReadingsEvent}: a canonical observation without what the message's observations
 * share, each field checked as the canonical one is. Null fields may be left out (ingest leaves them out).
 */
const readingsItemSchema = canonicalObservationSchema
  .pick({ id: true, parameter: true, value: true, unit: true, measuredAt: true, source: true })
  .extend({
    valueCode: canonical.valueCode.optional(),
    loinc: canonical.loinc.optional(),
    mdc: canonical.mdc.optional(),
    original: canonical.original.optional(),
    detail: canonical.detail.optional(),
  });

/**
 * `vitals.observations`: the observations of one device message for one patient, keyed by patient id, with the
 * patient, device, message, seq and receipt time said once (issue 11: one stream record per message instead of
 * one per measurement, about half the bytes). Each stands for the canonical observations
 * {@link expandVitalsEvent} gives back; consumers read both this and {@link observationEventSchema}.
 */
export const readingsEventSchema = z.object({
  type: z.literal('readings'),
  patientId: canonical.patientId,
  deviceId: z.string(),
  messageId: canonical.messageId,
  seq: canonical.seq,
  receivedAt: canonical.receivedAt,
  // No upper bound here: a consumer takes whatever a producer's cap was (see MAX_OBSERVATIONS_PER_READINGS_EVENT).
  observations: z.array(readingsItemSchema).min(1),
});

/** `vitals.observations`: a device heartbeat; keyed by patient id, or `device:{id}` when unbound. */
export const deviceStatusEventSchema = z.object({
  type: z.literal('device-status'),
  deviceId: z.string(),
  patientId: z.uuid().nullable(),
  battery: z.number().nullable(),
  signalDbm: z.number().nullable(),
  firmware: z.string().nullable(),
  sentAt: isoInstant,
  receivedAt: isoInstant,
});

/** `vitals.observations`: a synthetic heartbeat proving the alerting path flows end to end (HZ-01). */
export const pipelineHeartbeatEventSchema = z.object({
  type: z.literal('pipeline-heartbeat'),
  heartbeatId: z.string(),
  emittedAt: isoInstant,
  /** The ingest instance that emitted it. */
  source: z.string(),
});

export const vitalsStreamEventSchema = z.discriminatedUnion('type', [
  observationEventSchema,
  readingsEventSchema,
  deviceStatusEventSchema,
  pipelineHeartbeatEventSchema,
]);
export type VitalsStreamEvent = z.infer<typeof vitalsStreamEventSchema>;
export type ObservationEvent = z.infer<typeof observationEventSchema>;
export type ReadingsEvent = z.infer<typeof readingsEventSchema>;
export type DeviceStatusEvent = z.infer<typeof deviceStatusEventSchema>;
export type PipelineHeartbeatEvent = z.infer<typeof pipelineHeartbeatEventSchema>;

/** The stream key for a vitals event: one patient's events stay in order on one partition. */
export function vitalsStreamKey(event: VitalsStreamEvent): string {
  switch (event.type) {
    case 'observation':
      return event.observation.patientId;
    case 'readings':
      return event.patientId;
    case 'device-status':
      return event.patientId ?? `device:${event.deviceId}`;
    case 'pipeline-heartbeat':
      return 'pipeline-heartbeat';
  }
}

/**
 * Most observations one readings event carries; a longer run (a store-and-forward upload) continues in the next
 * event, same key, in order. It bounds what one stream record holds, and so a consumer's batch of records: the
 * scorer's 100 records are at most 1,000 observations.
 */
export const MAX_OBSERVATIONS_PER_READINGS_EVENT = 10;

/**
 * The stream events for observations, in their order: each run of observations from one device message for
 * one patient (same patient, device, message, seq and receipt time, entered by nobody) becomes one
 * {@link ReadingsEvent} (or several, of at most {@link MAX_OBSERVATIONS_PER_READINGS_EVENT}); any other
 * observation (a nurse's entry, a patient's report) stays an `observation` event. {@link expandVitalsEvent}
 * gives back exactly the observations given.
 */
export function observationEvents(observations: readonly CanonicalObservation[]): VitalsStreamEvent[] {
  const out: VitalsStreamEvent[] = [];
  let open: ReadingsEvent | null = null;
  for (const o of observations) {
    if (o.deviceId === null || o.enteredBy !== null) {
      out.push({ type: 'observation', observation: o });
      open = null;
      continue;
    }
    if (
      !open ||
      open.observations.length >= MAX_OBSERVATIONS_PER_READINGS_EVENT ||
      open.patientId !== o.patientId ||
      open.deviceId !== o.deviceId ||
      open.messageId !== o.messageId ||
      open.seq !== o.seq ||
      open.receivedAt !== o.receivedAt
    ) {
      open = {
        type: 'readings',
        patientId: o.patientId,
        deviceId: o.deviceId,
        messageId: o.messageId,
        seq: o.seq,
        receivedAt: o.receivedAt,
        observations: [],
      };
      out.push(open);
    }
    const item: ReadingsEvent['observations'][number] = {
      id: o.id,
      parameter: o.parameter,
      value: o.value,
      unit: o.unit,
      measuredAt: o.measuredAt,
      source: o.source,
    };
    if (o.valueCode !== null) item.valueCode = o.valueCode;
    if (o.loinc !== null) item.loinc = o.loinc;
    if (o.mdc !== null) item.mdc = o.mdc;
    if (o.original !== null) item.original = o.original;
    if (o.detail !== null) item.detail = o.detail;
    open.observations.push(item);
  }
  return out;
}

/** The canonical observations a vitals event carries (none for a device status or a heartbeat). */
export function expandVitalsEvent(event: VitalsStreamEvent): CanonicalObservation[] {
  switch (event.type) {
    case 'observation':
      return [event.observation];
    case 'readings':
      return event.observations.map((item) => ({
        id: item.id,
        patientId: event.patientId,
        deviceId: event.deviceId,
        parameter: item.parameter,
        value: item.value,
        valueCode: item.valueCode ?? null,
        unit: item.unit,
        loinc: item.loinc ?? null,
        mdc: item.mdc ?? null,
        original: item.original ?? null,
        measuredAt: item.measuredAt,
        receivedAt: event.receivedAt,
        source: item.source,
        messageId: event.messageId,
        seq: event.seq,
        detail: item.detail ?? null,
        enteredBy: null,
      }));
    case 'device-status':
    case 'pipeline-heartbeat':
      return [];
  }
}
