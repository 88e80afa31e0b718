import { streamTopics, vitalsStreamEventSchema, type VitalsStreamEvent } from '@vigil/contracts';
import type { StreamPort, Subscription } from '@vigil/stream';
import type { AlertsPublisher, ScorerService } from './scorer.service';

export const SCORER_GROUP_ID = 'vigil-scorer';

/** Publishes alert/score events to `alerts.events`, keyed by patient (pipeline events by a fixed key). */
export function streamAlertsPublisher(stream: StreamPort): AlertsPublisher {
  return async (events) => {
    await stream.publish(
      streamTopics.alerts,
      events.map((event) => ({
        key:
          event.type === 'pipeline.status'
            ? 'pipeline'
            : event.type === 'score.updated'
              ? event.patientId
              : event.alert.patientId,
        value: event,
      })),
    );
  };
}

/**
 * Consumes `vitals.observations`: the batch is acknowledged only after `handleBatch` resolved, i.e.
 * after the database commit and the publish of its alert events.
 */
export function subscribeScorer(
  stream: StreamPort,
  scorer: ScorerService,
  onInvalid: (error: unknown, offset: string) => void = (error, offset) =>
    console.error(`scorer: skipped an invalid vitals event at offset ${offset}`, error),
): Promise<Subscription> {
  return stream.subscribe<unknown>({
    topic: streamTopics.observations,
    groupId: SCORER_GROUP_ID,
    handle: async (batch) => {
      // Validated here rather than in `decode`: one malformed record (ingest validates, so a bug) must not
      // stop the partition and with it every good reading behind it.
      const events: VitalsStreamEvent[] = [];
      for (const record of batch.records) {
        const parsed = vitalsStreamEventSchema.safeParse(record.value);
        if (parsed.success) events.push(parsed.data);
        else onInvalid(parsed.error, record.offset);
      }
      await scorer.handleBatch(events);
    },
  });
}
