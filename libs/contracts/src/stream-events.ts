import { z } from 'zod';
import { canonicalObservationSchema } from './observation';

const isoInstant = z.iso.datetime({ offset: true });

/** `vitals.observations`: a canonical observation, keyed by patient id. */
export const observationEventSchema = z.object({
  type: z.literal('observation'),
  observation: canonicalObservationSchema,
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
  deviceStatusEventSchema,
  pipelineHeartbeatEventSchema,
]);
export type VitalsStreamEvent = z.infer<typeof vitalsStreamEventSchema>;
export type ObservationEvent = z.infer<typeof observationEventSchema>;
export type DeviceStatusEvent = z.infer<typeof deviceStatusEventSchema>;
export type PipelineHeartbeatEvent = z.infer<typeof pipelineHeartbeatEventSchema>;

/** The stream key for a vitals event: one patient's events stay in order on one partition. */
export function vitalsStreamKey(event: VitalsStreamEvent): string {
  switch (event.type) {
    case 'observation':
      return event.observation.patientId;
    case 'device-status':
      return event.patientId ?? `device:${event.deviceId}`;
    case 'pipeline-heartbeat':
      return 'pipeline-heartbeat';
  }
}
