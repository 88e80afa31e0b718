import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  byEventTime,
  type CanonicalObservation,
  CLOCK_SKEW_TOLERANCE_MS,
  DEAD_LETTER_RAW_PREFIX_BYTES,
  describeIssues,
  DEVICE_KIND_PARAMETERS,
  type DeviceObservation,
  deviceStatusSchema,
  MAX_CLOCK_CORRECTION_MS,
  MAX_PAYLOAD_BYTES,
  observationEvents,
  parseDeviceTopic,
  type ReadingsEnvelope,
  readingsEnvelopeSchema,
  type Rejection,
  type RejectionReason,
  streamTopics,
  type VitalsStreamEvent,
  vitalsStreamKey,
} from '@vigil/contracts';
import { HUB_MEASURED_AT, normaliseReadings } from '@vigil/codecs';
import type { NewDeadLetter } from '@vigil/storage';
import { bindingAt, type DirectoryBinding, type DirectoryDevice } from './device-directory';
import { ClockOffsets } from './clock-offsets';
import { RecentMessages } from './recent-messages';

/** Ingest's warnings that are not a rejection (a reused seq is stored, not refused). */
const seqReusedLog = new Logger('ingest');

/** What ingest needs from the stream: a publish that resolves only when the records are durable. */
export interface StreamPublisher {
  publish(topic: string, records: { key: string; value: unknown }[]): Promise<void>;
}

/**
 * What ingest reads and writes: the device directory (held in memory, see `DeviceDirectory`: no database
 * read per message) and the dead-letter store (group-committed). Readings and statuses go only to the
 * stream, whose publish is the durable point (issue 11): the scorer stores them and a device's last-seen.
 */
export interface IngestStores {
  findDevice(deviceId: string): Promise<DirectoryDevice | null>;
  bindingsBetween(deviceId: string, from: Date, to: Date): Promise<DirectoryBinding[]>;
  insertDeadLetters(records: readonly NewDeadLetter[]): Promise<string[]>;
  /**
   * Saves the device clock offsets set or moved since the last save (HZ-20); resolves once written, or once
   * the failure was reported (the estimates are then saved again later). Stores without it keep offsets in memory.
   */
  saveClockOffsets?(): Promise<void>;
  /** The offsets `saveClockOffsets` saves (and loaded at start); the service uses them unless given others. */
  readonly clockOffsets?: ClockOffsets;
}

export interface IngestOutcome {
  /** Observations published to the stream. */
  accepted: number;
  /** Rejections written to the dead-letter store. */
  rejected: number;
  /** The message was a redelivery of one already published (same device and seq). */
  duplicate: boolean;
  rejections: Rejection[];
}

/** Something the broker refused before ingest could read it as a message (issue 12, D1 and D5). */
export interface BrokerRefusal {
  /** `acl-refused`: a publish or subscribe outside the device's own topics; `oversize-payload`: a packet too big. */
  reason: 'acl-refused' | 'oversize-payload';
  deviceId: string | null;
  /** The topic asked for, when known. */
  topic: string | null;
  detail: string;
  /** The payload of a refused publish, when it was read. */
  payload?: Buffer;
  /** The announced size of a packet refused unread. */
  announcedSize?: number;
}

export interface IngestCounters {
  messages: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /**
   * A seen seq with different content (a device whose counter reset): stored under observation ids of its own,
   * flagged `seqReused`, never under the first message's ids, never dropped (D3, HZ-04).
   */
  seqReused: number;
  statuses: number;
  rejectionsByReason: Partial<Record<RejectionReason, number>>;
}

/**
 * Turns one MQTT message into canonical observations on the stream and dead letters in the store.
 *
 * `handle` resolves only when everything it produced is durable; the MQTT client acknowledges the
 * message (PUBACK) only then. It rejects only when infrastructure fails (database or stream down):
 * the message is then left unacknowledged for the broker to redeliver. Bad input never rejects: it
 * becomes a dead letter with a specific reason, and the good measurements of the same batch pass.
 */
export class IngestService {
  readonly counters: IngestCounters = {
    messages: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    seqReused: 0,
    statuses: 0,
    rejectionsByReason: {},
  };
  /** (device, seq) → digest of the messages published lately: redeliveries are told from reused seqs. */
  private readonly recent: RecentMessages;
  /** Messages being published now, by (device, seq): one at a time per (device, seq), whatever its bytes. */
  private readonly inFlight = new Map<string, Promise<IngestOutcome>>();

  constructor(
    private readonly stores: IngestStores,
    private readonly stream: StreamPublisher,
    private readonly clock: () => Date = () => new Date(),
    options: { recentMessages?: number; clockOffsets?: ClockOffsets } = {},
  ) {
    this.recent = new RecentMessages(options.recentMessages ?? 100_000);
    this.clockOffsets = options.clockOffsets ?? stores.clockOffsets ?? new ClockOffsets();
  }

  /** Each device's clock offset, learned over its messages (R12; saved and reloaded by the stores). */
  readonly clockOffsets: ClockOffsets;

  async handle(topic: string, payload: Buffer): Promise<IngestOutcome> {
    this.counters.messages += 1;
    const receivedAt = this.clock();
    const parsedTopic = parseDeviceTopic(topic);
    const topicDeviceId = parsedTopic?.deviceId ?? null;
    const reject = (reason: RejectionReason, detail: string) =>
      this.deadLetter(topic, topicDeviceId, payload, receivedAt, [
        { reason, detail, measurementIndex: null },
      ]);

    if (!parsedTopic) return reject('forged-topic', `not a device topic: "${topic.slice(0, 200)}"`);
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return reject(
        'oversize-payload',
        `payload is ${payload.length} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return reject('malformed-json', `payload is not JSON: ${(error as Error).message}`);
    }
    return parsedTopic.channel === 'readings'
      ? this.handleReadings(topic, parsedTopic.deviceId, json, payload, receivedAt)
      : this.handleStatus(topic, parsedTopic.deviceId, json, payload, receivedAt);
  }

  /**
   * Dead-letters what the broker refused (a topic-ACL refusal, a packet over the size limit), so that the
   * admin's dead-letter list shows every rejection, not only those ingest itself made.
   */
  async recordBrokerRefusal(refusal: BrokerRefusal): Promise<void> {
    const receivedAt = this.clock();
    const topic = refusal.topic ?? '(not read)';
    await this.stores
      .insertDeadLetters([
        {
          receivedAt,
          topic,
          deviceId: refusal.deviceId,
          reason: refusal.reason,
          detail: refusal.detail,
          measurementIndex: null,
          raw: refusal.payload ?? Buffer.alloc(0),
          announcedSize: refusal.payload ? undefined : refusal.announcedSize,
        },
      ])
      .then(async ([id]) => {
        const raw = refusal.payload ?? Buffer.alloc(0);
        await this.stream.publish(streamTopics.deadLetters, [
          {
            key: refusal.deviceId ?? topic,
            value: {
              id,
              receivedAt: receivedAt.toISOString(),
              topic,
              deviceId: refusal.deviceId,
              reason: refusal.reason,
              detail: refusal.detail,
              measurementIndex: null,
              ...boundedRaw(raw, refusal.payload ? undefined : refusal.announcedSize),
            },
          },
        ]);
      });
    this.counters.rejected += 1;
    this.counters.rejectionsByReason[refusal.reason] =
      (this.counters.rejectionsByReason[refusal.reason] ?? 0) + 1;
  }

  /** Publishes a synthetic heartbeat through the pipeline (HZ-01). */
  async emitPipelineHeartbeat(source: string): Promise<void> {
    const event: VitalsStreamEvent = {
      type: 'pipeline-heartbeat',
      heartbeatId: `${source}:${this.clock().getTime()}`,
      emittedAt: this.clock().toISOString(),
      source,
    };
    await this.stream.publish(streamTopics.observations, [{ key: vitalsStreamKey(event), value: event }]);
  }

  /**
   * The checks readings and statuses share, in order: the payload's shape, that it names the device of its topic
   * (a forged topic), that the device is provisioned and active, and a `sentAt` not in the future. Returns the
   * parsed payload and the device, or the outcome of dead-lettering the message with the first reason found.
   */
  private async admit<T extends { deviceId: string; sentAt: string }>(
    what: 'payload' | 'status',
    schema: { safeParse(json: unknown): ParseResult<T> },
    topic: string,
    deviceId: string,
    json: unknown,
    payload: Buffer,
    receivedAt: Date,
  ): Promise<{ data: T; device: DirectoryDevice } | { rejected: IngestOutcome }> {
    const reject = async (reason: RejectionReason, detail: string) => ({
      rejected: await this.deadLetter(topic, deviceId, payload, receivedAt, [
        { reason, detail, measurementIndex: null },
      ]),
    });
    const parsed = schema.safeParse(json);
    if (!parsed.success) return reject('invalid-envelope', describeIssues(parsed.error.issues));
    if (parsed.data.deviceId !== deviceId) {
      return reject(
        'forged-topic',
        `${what} names device "${parsed.data.deviceId}" but was published on the topic of device "${deviceId}"`,
      );
    }
    const device = await this.stores.findDevice(deviceId);
    if (!device) return reject('unknown-device', `device "${deviceId}" is not provisioned`);
    if (device.status !== 'active')
      return reject('device-disabled', `device "${deviceId}" is ${device.status}`);
    const sentAtProblem = futureSentAt(parsed.data.sentAt, receivedAt);
    if (sentAtProblem) return reject('future-timestamp', sentAtProblem);
    return { data: parsed.data, device };
  }

  private async handleReadings(
    topic: string,
    deviceId: string,
    json: unknown,
    payload: Buffer,
    receivedAt: Date,
  ): Promise<IngestOutcome> {
    const admitted = await this.admit(
      'payload',
      readingsEnvelopeSchema,
      topic,
      deviceId,
      json,
      payload,
      receivedAt,
    );
    if ('rejected' in admitted) return admitted.rejected;
    const { data: envelope, device } = admitted;

    // Dedupe (D3, HZ-04): the same bytes under a seq already published is a redelivery — acknowledged, not
    // republished. Different bytes under a seen seq (a device whose counter reset) is stored under ids of its own
    // (below): under the first message's (`{device}:{seq}:{i}`) the store would keep two readings under one id.
    // Redeliveries this instance has not seen (after a restart) are absorbed by the observation store's keys; a
    // reused seq it has not seen (after a restart, or past the last 100,000 messages) is not recognised, and its
    // readings take the first message's ids (residual, hazard log HZ-04). A message whose
    // (device, seq) is being published now (ingest handles many messages at once) waits for that one to finish:
    // then it is a redelivery or a reused seq as above, or is handled afresh if that one failed (a message is
    // remembered only once durable).
    const { seq } = envelope;
    const digest = RecentMessages.digest(payload);
    const flightKey = `${deviceId}\u0000${seq}`;
    for (let earlier = this.inFlight.get(flightKey); earlier; earlier = this.inFlight.get(flightKey)) {
      await earlier.then(
        () => undefined,
        () => undefined,
      );
    }
    const seen = this.recent.check(deviceId, seq, digest);
    if (seen === 'duplicate') {
      this.counters.duplicates += 1;
      return { accepted: 0, rejected: 0, duplicate: true, rejections: [] };
    }
    // A reused seq (a device whose counter reset) is stored, never refused: a device that restarted its numbering
    // must not have its readings go unscored. Its observations get ids of their own (the seq and a tag of these
    // bytes), so they never take the first message's, and their detail says `seqReused` (SPEC §3).
    let reusedSeqTag: string | undefined;
    if (seen === 'seq-reused') {
      reusedSeqTag = Buffer.from(digest, 'base64').toString('hex').slice(0, 12);
      this.counters.seqReused += 1;
      const firstSeenAt = this.recent.firstSeenAt(deviceId, seq);
      seqReusedLog.warn(
        `device "${deviceId}" reused seq ${seq} (first seen at ${firstSeenAt?.toISOString() ?? 'an unknown time'}) with other content: stored under ${deviceId}:${seq}~${reusedSeqTag}`,
      );
    }
    // Removed from the map before anyone waiting on it resumes, so that the first of them to resume takes its place.
    const work: Promise<IngestOutcome> = this.publishReadings(
      topic,
      deviceId,
      device,
      envelope,
      payload,
      receivedAt,
      digest,
      reusedSeqTag,
    ).finally(() => {
      if (this.inFlight.get(flightKey) === work) this.inFlight.delete(flightKey);
    });
    this.inFlight.set(flightKey, work);
    return work;
  }

  private async publishReadings(
    topic: string,
    deviceId: string,
    device: DirectoryDevice,
    envelope: ReadingsEnvelope,
    payload: Buffer,
    receivedAt: Date,
    digest: string,
    reusedSeqTag: string | undefined,
  ): Promise<IngestOutcome> {
    const { seq } = envelope;

    const clockOffsetMs = this.clockOffsets.offset(
      deviceId,
      Date.parse(envelope.sentAt),
      receivedAt.getTime(),
    );
    // HZ-20: a skewed device's readings are dated by its learned offset. A new or moved offset is saved before
    // the readings it dates are acknowledged, so a redelivery after an ingest crash gets the same correction
    // (and the same measuredAt) instead of a fresh one, which the store would keep as a second reading.
    if (Math.abs(clockOffsetMs) > CLOCK_SKEW_TOLERANCE_MS && this.clockOffsets.unsaved(deviceId)) {
      await this.stores.saveClockOffsets?.();
    }
    const normalised = normaliseReadings(envelope, { receivedAt, clockOffsetMs, reusedSeqTag });
    // Store-and-forward batches are published in event-time order, so one patient's stream is ordered.
    const observations = byEventTime(normalised.observations);
    const rejections: Rejection[] = [...normalised.rejections];
    const accepted: CanonicalObservation[] = [];
    // A device reports only what its kind measures (D7): a pulse oximeter's "fall" is a fault or a forgery.
    const measures: readonly string[] = DEVICE_KIND_PARAMETERS[device.kind];
    const ofItsKind = observations.filter((observation) => {
      if (measures.includes(observation.parameter)) return true;
      rejections.push({
        reason: 'wrong-device-kind',
        detail: `a ${device.kind} device does not measure ${observation.parameter} (it measures ${measures.join(', ')})`,
        measurementIndex: measurementIndexOf(observation),
      });
      return false;
    });
    const attributed = await this.attribute(deviceId, ofItsKind);
    for (const item of attributed) {
      if (item.ambiguous) {
        const hubAt = String(item.observation.detail?.[HUB_MEASURED_AT]);
        rejections.push({
          reason: 'ambiguous-patient',
          detail: `the ${item.observation.parameter} reading dated ${item.observation.measuredAt} by the peripheral's own clock (from its memory) was relayed by hub "${deviceId}" at ${hubAt}, and the hub was bound to a different patient (or none) at those two times: whose reading it is cannot be told`,
          measurementIndex: item.measurementIndex,
        });
      } else if (item.patientId === null) {
        rejections.push(unattributed(deviceId, item.observation, item.measurementIndex, receivedAt));
      } else {
        accepted.push({ ...item.observation, patientId: item.patientId });
      }
    }

    // One stream record per patient the message's readings belong to (issue 11), not one per measurement.
    const events = observationEvents(accepted);
    if (events.length > 0) {
      await this.stream.publish(
        streamTopics.observations,
        events.map((event) => ({ key: vitalsStreamKey(event), value: event })),
      );
    }
    if (rejections.length > 0) {
      await this.recordRejections(topic, deviceId, payload, receivedAt, rejections);
    }
    // Remembered only once everything above is durable: a crash before this line means a redelivery and a
    // republish that the idempotent observation store absorbs, never a lost reading.
    this.recent.remember(deviceId, seq, digest, receivedAt);
    this.counters.accepted += accepted.length;
    return { accepted: accepted.length, rejected: rejections.length, duplicate: false, rejections };
  }

  private async handleStatus(
    topic: string,
    deviceId: string,
    json: unknown,
    payload: Buffer,
    receivedAt: Date,
  ): Promise<IngestOutcome> {
    const admitted = await this.admit(
      'status',
      deviceStatusSchema,
      topic,
      deviceId,
      json,
      payload,
      receivedAt,
    );
    if ('rejected' in admitted) return admitted.rejected;
    const status = admitted.data;

    // Liveness is the platform's receipt time: a device clock that is wrong must not keep it "online". The
    // scorer stores it (last seen, battery) from this event; the stream publish is the durable point.
    const [binding] = await this.stores.bindingsBetween(deviceId, receivedAt, receivedAt);
    const event: VitalsStreamEvent = {
      type: 'device-status',
      deviceId,
      patientId: binding?.patientId ?? null,
      battery: status.battery ?? null,
      signalDbm: status.signalDbm ?? null,
      firmware: status.firmware ?? null,
      sentAt: status.sentAt,
      receivedAt: receivedAt.toISOString(),
    };
    await this.stream.publish(streamTopics.observations, [{ key: vitalsStreamKey(event), value: event }]);
    this.counters.statuses += 1;
    return { accepted: 0, rejected: 0, duplicate: false, rejections: [] };
  }

  /** Resolves each observation's patient by its own `measuredAt`, with one registry query per message. */
  private async attribute(
    deviceId: string,
    observations: DeviceObservation[],
  ): Promise<
    {
      observation: DeviceObservation;
      patientId: string | null;
      /** A peripheral's memory reading whose own time and the hub's fall under different bindings. */
      ambiguous: boolean;
      measurementIndex: number | null;
    }[]
  > {
    if (observations.length === 0) return [];
    const times = observations.map((o) => Date.parse(o.measuredAt));
    // A reading dated by a peripheral's memory also names the hub's own time (HZ-05): both are looked up.
    const hubTimes = observations.map((o) => {
      const hub = o.detail?.[HUB_MEASURED_AT];
      return typeof hub === 'string' ? Date.parse(hub) : Number.NaN;
    });
    const all = [...times, ...hubTimes.filter((t) => Number.isFinite(t))];
    const bindings = await this.stores.bindingsBetween(
      deviceId,
      new Date(Math.min(...all)),
      new Date(Math.max(...all)),
    );
    return observations.map((observation, i) => {
      const patientId = bindingAt(bindings, new Date(times[i]))?.patientId ?? null;
      const atHub = Number.isFinite(hubTimes[i])
        ? (bindingAt(bindings, new Date(hubTimes[i]))?.patientId ?? null)
        : patientId;
      return {
        observation,
        patientId: atHub === patientId ? patientId : null,
        ambiguous: atHub !== patientId,
        measurementIndex: measurementIndexOf(observation),
      };
    });
  }

  private async deadLetter(
    topic: string,
    deviceId: string | null,
    payload: Buffer,
    receivedAt: Date,
    rejections: Rejection[],
  ): Promise<IngestOutcome> {
    await this.recordRejections(topic, deviceId, payload, receivedAt, rejections);
    return { accepted: 0, rejected: rejections.length, duplicate: false, rejections };
  }

  private async recordRejections(
    topic: string,
    deviceId: string | null,
    payload: Buffer,
    receivedAt: Date,
    rejections: Rejection[],
  ): Promise<void> {
    const ids = await this.stores.insertDeadLetters(
      rejections.map((r) => ({
        receivedAt,
        topic,
        deviceId,
        reason: r.reason,
        detail: r.detail,
        measurementIndex: r.measurementIndex,
        raw: payload,
      })),
    );
    const raw = boundedRaw(payload);
    await this.stream.publish(
      streamTopics.deadLetters,
      rejections.map((r, i) => ({
        key: deviceId ?? topic,
        value: {
          id: ids[i],
          receivedAt: receivedAt.toISOString(),
          topic,
          deviceId,
          reason: r.reason,
          detail: r.detail,
          measurementIndex: r.measurementIndex,
          ...raw,
        },
      })),
    );
    this.counters.rejected += rejections.length;
    for (const r of rejections) {
      this.counters.rejectionsByReason[r.reason] = (this.counters.rejectionsByReason[r.reason] ?? 0) + 1;
    }
  }
}

/** A dead letter's payload as the stream carries it: a bounded prefix, the whole size and its SHA-256 (D1). */
function boundedRaw(
  payload: Buffer,
  announcedSize?: number,
): { rawBase64: string; rawSize: number; rawSha256: string | null } {
  return {
    rawBase64: payload.subarray(0, DEAD_LETTER_RAW_PREFIX_BYTES).toString('base64'),
    rawSize: announcedSize ?? payload.length,
    rawSha256: announcedSize === undefined ? createHash('sha256').update(payload).digest('hex') : null,
  };
}

/** Why a `sentAt` cannot be true (D7): further in the future than any clock skew we correct for. */
function futureSentAt(sentAt: string, receivedAt: Date): string | null {
  const ahead = Date.parse(sentAt) - receivedAt.getTime();
  if (ahead <= MAX_CLOCK_CORRECTION_MS) return null;
  return `sentAt ${sentAt} is ${Math.round(ahead / 1000)} s ahead of the platform's clock (a device clock up to ${MAX_CLOCK_CORRECTION_MS / 3_600_000} h off is corrected for; this is not a time)`;
}

/**
 * A reading no binding covers and older than this before its receipt is a wrong device clock (one reset to 1970 or
 * 2000), not a reading of a device that was not bound at the time: no store-and-forward backlog is a year old.
 */
const IMPLAUSIBLY_OLD_MS = 366 * 24 * 3_600_000;

/** Why a reading no binding covers is rejected: `past-timestamp` if its time cannot be true, else `unbound-device`. */
function unattributed(
  deviceId: string,
  observation: DeviceObservation,
  measurementIndex: number | null,
  receivedAt: Date,
): Rejection {
  const ageMs = receivedAt.getTime() - Date.parse(observation.measuredAt);
  if (ageMs > IMPLAUSIBLY_OLD_MS) {
    return {
      reason: 'past-timestamp',
      detail: `measuredAt ${observation.measuredAt} (${observation.parameter}) is ${Math.floor(ageMs / 86_400_000)} days before receivedAt ${receivedAt.toISOString()}: no binding of device "${deviceId}" covers it, and a time more than ${IMPLAUSIBLY_OLD_MS / 86_400_000} days old is a wrong device clock (reset?), not a reading to attribute`,
      measurementIndex,
    };
  }
  return {
    reason: 'unbound-device',
    detail: `device "${deviceId}" was not bound to a patient at ${observation.measuredAt} (${observation.parameter})`,
    measurementIndex,
  };
}

/** The measurement index is the third part of a device observation id (`{deviceId}:{seq}:{index}`). */
function measurementIndexOf(observation: DeviceObservation): number | null {
  const part = observation.id.split(':')[2];
  const index = part === undefined ? NaN : Number.parseInt(part, 10);
  return Number.isInteger(index) ? index : null;
}

type ParseResult<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
