import { Logger } from '@nestjs/common';
import {
  describeIssues,
  streamTopics,
  vitalsStreamEventSchema,
  type VitalsStreamEvent,
} from '@vigil/contracts';
import { GroupCommit, type NewDeadLetter } from '@vigil/storage';
import { DEAD_LETTER_HEADERS, type ConsumedRecord, type StreamPort, type Subscription } from '@vigil/stream';
import type { AlertsPublisher, DeviceCommandsPublisher, ScorerService } from './scorer.service';

export const SCORER_GROUP_ID = 'vigil-scorer';
/** The group that keeps the records the scorer set aside (`vitals.observations.dead-letters`) in the dead-letter store. */
export const SCORER_DEAD_LETTERS_GROUP_ID = 'vigil-scorer-dead-letters';
const invalidLogger = new Logger('scorer');

/** Where the scorer keeps what it sets aside: the dead-letter store (`insertDeadLetters` on its database). */
export type DeadLetterStore = (records: readonly NewDeadLetter[]) => Promise<unknown>;

/** Deliveries of a failing batch (then of each of its records alone) before a record is dead-lettered. */
export const SCORER_MAX_ATTEMPTS = 5;

/**
 * Failures that are not a record's fault: the database, the brokers or the network are away (PostgreSQL
 * classes 08 connection, 53 resources, 57 operator intervention, 40 serialisation/deadlock; a lock or object
 * busy, 55P03 and 55006; a database closed to connections, 55000 "not currently accepting connections"; Node
 * socket errors; pg's lost or closed connections and its read timeout, a database that stopped answering;
 * kafkajs errors; a stream closing). Retried for as long as they last, never dead-lettered: a batch that fails
 * for one of these is not retried record by record, so no record is set aside for an outage (HZ-14; the fault
 * suite's database cut closes the database to connections, and once dead-lettered a reading that way).
 */
export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|53|57|40)[0-9A-Z]{3}$/.test(code) || code === '55P03' || code === '55006') return true;
    if (code === '55000' && /not currently accepting connections/i.test(error.message)) return true;
    if (/^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)/.test(code)) return true;
  }
  if (error.name.startsWith('KafkaJS') || error.name === 'StreamClosedError') return true;
  return /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed and is not queryable|Query read timeout/i.test(
    error.message,
  );
}

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

/** Publishes device commands (reading reminders) to `devices.commands`, keyed by device id (issue 13). */
export function streamDeviceCommandsPublisher(stream: StreamPort): DeviceCommandsPublisher {
  return async (commands) => {
    await stream.publish(
      streamTopics.deviceCommands,
      commands.map((command) => ({ key: command.deviceId, value: command })),
    );
  };
}

/** How the scorer gathers the batches of its partitions into one transaction (issue 11). */
export interface ScorerBatching {
  /**
   * How long the first waiting partition batch waits for others (default 12 ms; 20 ms until the fifth session of
   * issue 11 halved the median publish→alert at 1,000/s, then 8 ms until the eighth, which let the scorer's
   * commit stand in for the stream journal's: docs/decisions/0005-hot-path.md item 17; then 10 ms until the
   * thirteenth pipelined the transaction's statements, item 24: its shorter transactions made more of them, and
   * 12 ms keeps them under 0.05 per reading at 1,000/s). {@link subscribeScorer} uses 0 when the stream hands one
   * partition batch at a time (Kafka): there is no other to wait for.
   */
  lingerMs?: number;
  /** Partition batches per transaction at most (default 32). */
  maxPartitionBatches?: number;
}

/**
 * Group commit across partitions: the batches the stream hands over concurrently (one per partition) are
 * decided and stored in one `handleBatch` — one transaction — and each partition's batch is acknowledged
 * after it. A patient's records stay in order (one partition, whose next batch comes only after this one is
 * acknowledged). If the combined batch fails for a reason of its own (not the database or the stream), each
 * partition's batch is retried alone, so that one bad record never fails — and is never dead-lettered with —
 * another partition's readings.
 */
export function crossPartitionBatcher(
  scorer: Pick<ScorerService, 'handleBatch'>,
  options: ScorerBatching = {},
): { submit(events: VitalsStreamEvent[]): Promise<void>; stats: GroupCommit<unknown, unknown>['stats'] } {
  const commits = new GroupCommit<VitalsStreamEvent[], Error | null>({
    lingerMs: options.lingerMs ?? 12,
    maxItems: options.maxPartitionBatches ?? 32,
    flush: async (parts) => {
      try {
        await scorer.handleBatch(parts.flat());
        return parts.map(() => null);
      } catch (error) {
        if (parts.length === 1 || isInfrastructureError(error)) throw error;
        const outcomes: (Error | null)[] = [];
        for (const part of parts) {
          try {
            await scorer.handleBatch(part);
            outcomes.push(null);
          } catch (alone) {
            outcomes.push(alone instanceof Error ? alone : new Error(String(alone)));
          }
        }
        return outcomes;
      }
    },
  });
  return {
    stats: commits.stats,
    async submit(events) {
      const [failure] = await commits.add([events]);
      if (failure) throw failure;
    },
  };
}

/** Records per partition batch the scorer takes at most (the stream's default is 500). */
export const SCORER_MAX_BATCH_RECORDS = 100;

/**
 * A stream record the scorer set aside, as a dead letter (reason `unprocessable`): the device it names, where it
 * was in the stream, why, and its JSON value as the raw bytes, so an admin sees it beside ingest's rejections.
 */
export function unprocessableDeadLetter(
  record: ConsumedRecord<unknown>,
  why: string,
  receivedAt: Date,
): NewDeadLetter {
  const value = record.value as { deviceId?: unknown; observation?: { deviceId?: unknown } } | null;
  const deviceId = value?.deviceId ?? value?.observation?.deviceId;
  const raw = Buffer.from(JSON.stringify(record.value) ?? 'null', 'utf8');
  return {
    receivedAt,
    topic: record.headers[DEAD_LETTER_HEADERS.topic] ?? record.topic,
    deviceId: typeof deviceId === 'string' ? deviceId : null,
    reason: 'unprocessable',
    detail: why.slice(0, 2000),
    measurementIndex: null,
    raw,
  };
}

/**
 * Stores dead letters and logs each. One the store refuses for what it holds (not the database being away) is
 * stored again without its device id, which is the only field taken from the record, so one strange record never
 * holds up the records behind it: in-process, the scorer's partition waits for this store. A failure of the
 * database is thrown, and the batch comes again.
 */
async function keepDeadLetters(store: DeadLetterStore, letters: readonly NewDeadLetter[]): Promise<void> {
  try {
    await store(letters);
  } catch (error) {
    if (isInfrastructureError(error) || letters.every((d) => d.deviceId === null)) throw error;
    const why = error instanceof Error ? error.message : String(error);
    await store(
      letters.map((d) => ({
        ...d,
        deviceId: null,
        detail: `${d.detail} [stored without its device id, which the store refused: ${why}]`,
      })),
    );
  }
  for (const d of letters) invalidLogger.error(`kept as a dead letter: ${d.detail}`);
}

/**
 * Consumes `vitals.observations`: the batch is acknowledged only after `handleBatch` resolved, i.e.
 * after the database commit and the publish of its alert events. Partition batches arriving together
 * share one transaction ({@link crossPartitionBatcher}). A record that is not a valid vitals event is kept in
 * the dead-letter store before the batch is acknowledged (never dropped: ingest acknowledged it to the device);
 * a record that keeps failing is set aside on `vitals.observations.dead-letters`
 * ({@link subscribeScorerDeadLetters} keeps those).
 */
export function subscribeScorer(
  stream: StreamPort,
  scorer: ScorerService,
  deadLetters: DeadLetterStore,
  batching?: ScorerBatching,
  clock: () => Date = () => new Date(),
): Promise<Subscription> {
  const batcher = crossPartitionBatcher(
    scorer,
    batching ?? (stream.concurrentPartitionBatches <= 1 ? { lingerMs: 0 } : {}),
  );
  return stream.subscribe<unknown>({
    topic: streamTopics.observations,
    groupId: SCORER_GROUP_ID,
    // A record is a device message (about five observations, at most MAX_OBSERVATIONS_PER_READINGS_EVENT; decision
    // 0005 item 22), no longer one observation: 100 records keep a partition's chunk near the 500 observations it
    // held before (1,000 at most), so a backlog on Kafka does not make the scorer's transactions five times longer.
    maxBatchSize: SCORER_MAX_BATCH_RECORDS,
    // A batch that keeps failing for a reason of its own is split, and the record at fault set aside, so one
    // bad record never holds up the patients behind it on its partition; a database outage is waited out.
    deadLetter: {
      topic: streamTopics.observationsDeadLetters,
      maxAttempts: SCORER_MAX_ATTEMPTS,
      isTransient: isInfrastructureError,
    },
    handle: async (batch) => {
      // Validated here rather than in `decode`: one malformed record (ingest validates, so a bug) must not
      // stop the partition and with it every good reading behind it.
      const events: VitalsStreamEvent[] = [];
      const invalid: NewDeadLetter[] = [];
      for (const record of batch.records) {
        const parsed = vitalsStreamEventSchema.safeParse(record.value);
        if (parsed.success) events.push(parsed.data);
        else {
          const why = `not a valid vitals event (partition ${record.partition}, offset ${record.offset}): ${describeIssues(parsed.error.issues)}`;
          invalid.push(unprocessableDeadLetter(record, why, clock()));
        }
      }
      await batcher.submit(events);
      // Kept once the rest is handled (a batch that fails and comes again would keep them again), before the batch
      // is acknowledged: if keeping them fails, the batch comes again (its readings are absorbed as replays).
      if (invalid.length > 0) await keepDeadLetters(deadLetters, invalid);
    },
  });
}

/**
 * Keeps the records the scorer set aside (`vitals.observations.dead-letters`: a record that failed
 * {@link SCORER_MAX_ATTEMPTS} times alone) in the dead-letter store, with the error and attempts from its headers
 * (HZ-01, HZ-13). In-process, the scorer commits past such a record only once this group has committed its copy.
 */
export function subscribeScorerDeadLetters(
  stream: StreamPort,
  deadLetters: DeadLetterStore,
  clock: () => Date = () => new Date(),
): Promise<Subscription> {
  return stream.subscribe<unknown>({
    topic: streamTopics.observationsDeadLetters,
    groupId: SCORER_DEAD_LETTERS_GROUP_ID,
    handle: async (batch) => {
      const at = clock();
      await keepDeadLetters(
        deadLetters,
        batch.records.map((record) => {
          const h = record.headers;
          const why =
            `the scorer failed on this record ${h[DEAD_LETTER_HEADERS.attempts] ?? '?'} times alone ` +
            `(${h[DEAD_LETTER_HEADERS.topic] ?? '?'} partition ${h[DEAD_LETTER_HEADERS.partition] ?? '?'}, ` +
            `offset ${h[DEAD_LETTER_HEADERS.offset] ?? '?'}): ${h[DEAD_LETTER_HEADERS.error] ?? 'no error given'}`;
          return unprocessableDeadLetter(record, why, at);
        }),
      );
    },
  });
}
