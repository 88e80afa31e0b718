import {
  CLOCK_SKEW_TOLERANCE_MS,
  MAX_FUTURE_SKEW_MS,
  type DeviceObservation,
  type Measurement,
  measurementSchema,
  type ObservationSource,
  PARAMETER_DEFINITIONS,
  type Parameter,
  type ReadingsEnvelope,
  readingsEnvelopeSchema,
  type Rejection,
  type RejectionReason,
} from '@vigil/contracts';
import type { z } from 'zod';
import { CodecError } from '../codec-error';
import type { DetailValue } from '../gatt/gatt-codec';
import { readGattCharacteristic } from '../gatt/gatt-registry';
import type { Ieee11073Special } from '../ieee11073/ieee11073-number';
import { gattDateTimeToDate, type GattTime } from './gatt-time';
import { decidePeripheralTime, PERIPHERAL_CLOCK_TOLERANCE_MS } from './peripheral-clock';
import { toCanonicalUnit } from './units';

export interface NormaliseContext {
  /** Platform time the message arrived. */
  receivedAt: Date;
  /** Device id from the MQTT topic; when given it must equal the envelope's `deviceId`. */
  topicDeviceId?: string;
  /**
   * The device clock's offset (device minus platform, ms) as learned over its messages (ingest's
   * `ClockOffsets`, R12); when absent, this message's own `sentAt − receivedAt`.
   */
  clockOffsetMs?: number;
  /**
   * Set when this device already used this message's `seq` for other content (a counter reset, SPEC §3
   * `seq-reused`; ingest tells it from a redelivery by the bytes' digest): a short tag of this message's bytes.
   * Its observations are stored, not refused, under ids of their own — `{deviceId}:{seq}~{tag}:{i}`, message id
   * `{deviceId}:{seq}~{tag}` — so they never take the first message's ids, and their detail says `seqReused`.
   */
  reusedSeqTag?: string;
}

export interface NormaliseResult {
  observations: DeviceObservation[];
  rejections: Rejection[];
}

/** One value of a measurement on its way to becoming an observation. */
interface Candidate {
  parameter: Parameter;
  subIndex: number | null;
  field: string;
  value: number | { special: Ieee11073Special };
  unit: string;
  mdc: string | null;
  essential: boolean;
}

/** A measurement, parsed or decoded, before the checks that may reject it. */
interface Plan {
  label: string;
  source: ObservationSource;
  /** The publishing device's `measuredAt` (the hub's clock), until the clocks are settled in `timeReading`. */
  measuredAt: Date;
  /** How `measuredAt` was chosen, for the future-timestamp detail. */
  measuredAtFrom: string;
  /** A Bluetooth peripheral's own timestamp (its clock, not the hub's), read as UTC; null when absent or unusable. */
  peripheralTime: Date | null;
  candidates: Candidate[];
  detail: Record<string, DetailValue> | null;
  deviceDeclaredInvalid: string[];
  /** Why the reading is someone else's (a multi-user cuff's other user); null when it is the patient's. */
  otherUser: string | null;
}

const SPECIAL_MEANING: Readonly<Record<Ieee11073Special, string>> = {
  NaN: 'not a number',
  NRes: 'not at this resolution',
  '+INF': 'positive infinity',
  '-INF': 'negative infinity',
  RESERVED: 'reserved for future use',
};

/**
 * Turns a readings envelope into canonical device observations (patient not yet resolved) and
 * rejections. Each measurement is validated and mapped on its own, so one bad measurement never
 * sinks the others (SPEC §6). Output is deterministic: the same envelope and context give the same
 * result, observation ids included.
 *
 * Observation ids are `{deviceId}:{seq}:{i}` for single-value measurements and
 * `{deviceId}:{seq}:{i}.{k}` for multi-value ones, where `i` is the measurement's index in the
 * envelope and `k` a fixed position per field (blood pressure: systolic 0, diastolic 1, MAP 2,
 * pulse 3; oximeter: SpO2 0, pulse 1), not the order of emission.
 */
export function normaliseReadings(envelope: ReadingsEnvelope, context: NormaliseContext): NormaliseResult {
  const parsedEnvelope = readingsEnvelopeSchema.safeParse(envelope);
  if (!parsedEnvelope.success) {
    return reject('invalid-envelope', `envelope is invalid: ${formatIssues(parsedEnvelope.error)}`, null);
  }
  const env = parsedEnvelope.data;
  if (context.topicDeviceId !== undefined && context.topicDeviceId !== env.deviceId) {
    return reject(
      'forged-topic',
      `envelope deviceId ${JSON.stringify(env.deviceId)} does not match the topic's device ${JSON.stringify(context.topicDeviceId)}`,
      null,
    );
  }
  const result: NormaliseResult = { observations: [], rejections: [] };
  env.measurements.forEach((raw, index) => {
    const one = normaliseMeasurement(env, raw, index, context.receivedAt, context.clockOffsetMs);
    result.observations.push(...one.observations);
    result.rejections.push(...one.rejections);
  });
  const tag = context.reusedSeqTag;
  if (tag === undefined) return result;
  const first = `${env.deviceId}:${env.seq}`;
  const own = `${first}~${tag}`;
  result.observations = result.observations.map((o) => ({
    ...o,
    id: `${own}${o.id.slice(first.length)}`,
    messageId: own,
    detail: { ...o.detail, seqReused: true },
  }));
  return result;
}

function reject(reason: RejectionReason, detail: string, measurementIndex: number | null): NormaliseResult {
  return { observations: [], rejections: [{ reason, detail, measurementIndex }] };
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function normaliseMeasurement(
  env: ReadingsEnvelope,
  raw: unknown,
  index: number,
  receivedAt: Date,
  clockOffsetMs: number | undefined,
): NormaliseResult {
  const parsed = measurementSchema.safeParse(raw);
  if (!parsed.success) {
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
    const label = typeof type === 'string' ? ` (${JSON.stringify(type.slice(0, 40))})` : '';
    return reject(
      'invalid-measurement',
      `measurement ${index}${label} is invalid: ${formatIssues(parsed.error)}`,
      index,
    );
  }
  const planned = plan(parsed.data, index);
  if ('rejection' in planned) return { observations: [], rejections: [planned.rejection] };
  return check(env, planned, index, receivedAt, clockOffsetMs);
}

function plan(m: Measurement, index: number): Plan | { rejection: Rejection } {
  const measuredAt = new Date(m.measuredAt);
  const json = (candidates: Candidate[]): Plan => ({
    label: m.type,
    source: 'json',
    measuredAt,
    measuredAtFrom: 'measuredAt',
    peripheralTime: null,
    candidates,
    detail: null,
    deviceDeclaredInvalid: [],
    otherUser: null,
  });
  const single = (parameter: Parameter, field: string, value: number, unit: string): Candidate => ({
    parameter,
    subIndex: null,
    field,
    value,
    unit,
    mdc: PARAMETER_DEFINITIONS[parameter].mdc,
    essential: true,
  });
  switch (m.type) {
    case 'heartRate':
    case 'respiratoryRate':
    case 'spo2':
    case 'temperature':
    case 'bodyWeight':
      return json([single(m.type, 'value', m.value, m.unit)]);
    case 'bloodPressure': {
      const bp = (
        parameter: Parameter,
        subIndex: number,
        field: string,
        value: number,
        unit: string,
        essential: boolean,
      ): Candidate => ({ ...single(parameter, field, value, unit), subIndex, essential });
      const candidates = [
        bp('systolicBp', 0, 'systolic', m.systolic, m.unit, true),
        bp('diastolicBp', 1, 'diastolic', m.diastolic, m.unit, true),
      ];
      if (m.meanArterialPressure !== undefined) {
        candidates.push(
          bp('meanArterialPressure', 2, 'meanArterialPressure', m.meanArterialPressure, m.unit, false),
        );
      }
      if (m.pulseRate !== undefined)
        candidates.push(bp('heartRate', 3, 'pulseRate', m.pulseRate, '/min', false));
      return json(candidates);
    }
    case 'fall':
      return {
        label: 'fall',
        source: 'fall-sensor',
        measuredAt,
        measuredAtFrom: 'measuredAt',
        peripheralTime: null,
        candidates: [single('fall', 'confidence', m.confidence, '1')],
        detail: m.location !== undefined ? { location: m.location } : null,
        deviceDeclaredInvalid: [],
        otherUser: null,
      };
    case 'gatt':
      return planGatt(m.characteristic, m.data, measuredAt, index);
  }
}

function planGatt(
  characteristic: string,
  data: string,
  measuredAt: Date,
  index: number,
): Plan | { rejection: Rejection } {
  let decoded: ReturnType<typeof readGattCharacteristic>;
  try {
    decoded = readGattCharacteristic(characteristic, base64ToBytes(data));
  } catch (error) {
    // Anything a codec throws rejects this measurement only: rethrowing would fail the whole message
    // and make the broker redeliver it for ever. CodecError is the expected case; others are bugs,
    // made visible in the dead-letter store with their message.
    const reason: RejectionReason =
      error instanceof CodecError && error.code === 'unsupported-characteristic'
        ? 'unsupported-characteristic'
        : 'codec-error';
    const message = error instanceof Error ? error.message : String(error);
    return {
      rejection: {
        reason,
        detail: `measurement ${index} (gatt ${characteristic}): ${message}`,
        measurementIndex: index,
      },
    };
  }
  const detail: Record<string, DetailValue> = { ...decoded.detail };
  let peripheralTime: Date | null = null;
  if (decoded.timestamp !== null) {
    const time: GattTime =
      decoded.timestampUnreliable === null
        ? gattDateTimeToDate(decoded.timestamp)
        : { ok: false, reason: decoded.timestampUnreliable };
    if (time.ok) peripheralTime = time.date;
    else detail.gattTimestampIgnored = time.reason;
  }
  // Until `timeReading` has compared the peripheral's clock with the hub's.
  detail.measuredAtSource = 'measuredAt';
  return {
    label: `gatt ${decoded.name}`,
    source: decoded.source,
    measuredAt,
    measuredAtFrom: 'measuredAt',
    peripheralTime,
    candidates: decoded.readings.map((r) => ({
      parameter: r.parameter,
      subIndex: r.subIndex,
      field: r.field,
      value: 'special' in r.reading ? { special: r.reading.special } : r.reading.value,
      unit: r.unit,
      mdc: r.mdc,
      essential: r.essential,
    })),
    detail,
    deviceDeclaredInvalid: decoded.deviceDeclaredInvalid,
    otherUser: decoded.otherUser,
  };
}

/** `atob` is in Node ≥16 and every browser, so this lib stays free of `Buffer`. */
function base64ToBytes(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

interface Accepted {
  candidate: Candidate;
  /** Outside the physiological range but physically possible (R8). */
  implausible: boolean;
  value: number;
  original: { value: number; unit: string } | null;
}

/**
 * R12: a device clock more than {@link CLOCK_SKEW_TOLERANCE_MS} from receipt (its `sentAt` against the
 * platform's time) is corrected for: `measuredAt` moves by the offset, and the reading records the offset
 * and the time as sent. The binding is then resolved at the corrected time, so a reissued device whose clock
 * is an hour slow never lands its new patient's readings on the previous one. The offset is the publishing
 * device's (the hub's): it applies to the envelope's `measuredAt` only, never to a peripheral's own timestamp.
 */
function correctClock(
  env: ReadingsEnvelope,
  p: Plan,
  receivedAt: Date,
  learnedOffsetMs: number | undefined,
): Plan {
  const offsetMs = learnedOffsetMs ?? Date.parse(env.sentAt) - receivedAt.getTime();
  if (Math.abs(offsetMs) <= CLOCK_SKEW_TOLERANCE_MS) return p;
  return {
    ...p,
    measuredAt: new Date(p.measuredAt.getTime() - offsetMs),
    measuredAtFrom: `${p.measuredAtFrom}, corrected by the device clock's offset of ${Math.round(offsetMs / 1000)} s`,
    detail: {
      ...p.detail,
      clockCorrected: true,
      clockOffsetSeconds: Math.round(offsetMs / 1000),
      measuredAtAsSent: p.measuredAt.toISOString(),
    },
  };
}

/**
 * The detail field of a reading dated by a peripheral's memory: the hub's (corrected) time, at which ingest checks
 * the hub was bound to the same patient as at the reading's own time.
 */
export const HUB_MEASURED_AT = 'hubMeasuredAt';

/**
 * HZ-05 HZ-20: the reading's time. The hub's `measuredAt` is corrected by the hub's offset (R12); a peripheral's own
 * timestamp is used instead only when it agrees with that within {@link PERIPHERAL_CLOCK_TOLERANCE_MS}
 * (`decidePeripheralTime`). When it does not, the hub's time is kept — the binding ingest resolves is the one the
 * hub's time names — and the reading records the peripheral's time and how far apart the clocks were.
 */
function timeReading(
  env: ReadingsEnvelope,
  planned: Plan,
  receivedAt: Date,
  learnedOffsetMs: number | undefined,
): Plan {
  const hub = correctClock(env, planned, receivedAt, learnedOffsetMs);
  if (planned.peripheralTime === null) return hub;
  const decision = decidePeripheralTime(hub.measuredAt, planned.peripheralTime);
  if (decision.use === 'peripheral') {
    // The peripheral's clock, checked against the hub's corrected one: not corrected itself.
    return {
      ...planned,
      measuredAt: decision.measuredAt,
      measuredAtFrom: "the GATT timestamp, read as UTC (it agrees with the hub's measuredAt)",
      detail: { ...planned.detail, measuredAtSource: 'gattTimestamp' },
    };
  }
  if (decision.use === 'memory') {
    // A reading from the peripheral's memory: dated by it; ingest checks the hub's binding at both times.
    return {
      ...planned,
      measuredAt: decision.measuredAt,
      measuredAtFrom:
        "the GATT timestamp, read as UTC (earlier than the hub's measuredAt: a reading from the peripheral's memory)",
      detail: {
        ...planned.detail,
        measuredAtSource: 'gattTimestamp',
        [HUB_MEASURED_AT]: hub.measuredAt.toISOString(),
        gattClockDisagreementSeconds: Math.round(decision.disagreementMs / 1000),
      },
    };
  }
  const seconds = Math.round(decision.disagreementMs / 1000);
  const peripheralAt = planned.peripheralTime.toISOString();
  const side = seconds > 0 ? 'after' : 'before';
  const why = `the GATT timestamp ${peripheralAt} (read as UTC) is ${Math.abs(seconds)} s ${side} the hub's measuredAt ${hub.measuredAt.toISOString()}, more than ${PERIPHERAL_CLOCK_TOLERANCE_MS / 1000} s apart: the peripheral's clock is not trusted and the hub's time is used`;
  return {
    ...hub,
    measuredAtFrom: `${hub.measuredAtFrom}; ${why}`,
    detail: {
      ...hub.detail,
      gattTimestamp: peripheralAt,
      gattClockDisagreementSeconds: seconds,
      gattTimestampIgnored: why,
    },
  };
}

function check(
  env: ReadingsEnvelope,
  planned: Plan,
  index: number,
  receivedAt: Date,
  clockOffsetMs: number | undefined,
): NormaliseResult {
  const where = `measurement ${index} (${planned.label})`;
  // Someone else's reading is refused whatever else is true of it: it must never be scored as the patient's.
  if (planned.otherUser !== null) {
    return reject(
      'other-cuff-user',
      `${where}: ${planned.otherUser}; not stored as the patient's reading`,
      index,
    );
  }
  const p = timeReading(env, planned, receivedAt, clockOffsetMs);
  if (p.deviceDeclaredInvalid.length > 0) {
    return reject(
      'special-value',
      `${where}: the device marks the reading as not usable (${p.deviceDeclaredInvalid.join(', ')}); no observation made`,
      index,
    );
  }
  const skewMs = p.measuredAt.getTime() - receivedAt.getTime();
  if (skewMs > MAX_FUTURE_SKEW_MS) {
    return reject(
      'future-timestamp',
      `${where}: measuredAt ${p.measuredAt.toISOString()} (from ${p.measuredAtFrom}) is ${skewMs / 1000} s after receivedAt ${receivedAt.toISOString()}; at most ${MAX_FUTURE_SKEW_MS / 1000} s allowed`,
      index,
    );
  }

  const accepted: Accepted[] = [];
  const failures: { reason: RejectionReason; detail: string; essential: boolean }[] = [];
  for (const c of p.candidates) {
    const definition = PARAMETER_DEFINITIONS[c.parameter];
    if (typeof c.value !== 'number') {
      failures.push({
        reason: 'special-value',
        detail: `${where}: ${c.field} is the special value ${c.value.special} (${SPECIAL_MEANING[c.value.special]}), not a reading`,
        essential: c.essential,
      });
      continue;
    }
    const converted = toCanonicalUnit(c.value, c.unit, definition.unit);
    const possible = definition.possible;
    if (possible !== null && (converted.value < possible.min || converted.value > possible.max)) {
      const sent = converted.original === null ? '' : ` (sent as ${c.value} ${c.unit})`;
      failures.push({
        reason: 'implausible-value',
        detail: `${where}: ${c.field} ${converted.value} ${definition.unit}${sent} is physically impossible (outside ${possible.min}–${possible.max} ${definition.unit} for ${c.parameter})`,
        essential: c.essential,
      });
      continue;
    }
    // R8: extreme but possible is stored and flagged: a patient in extremis or a faulty device.
    const range = definition.plausible;
    const implausible = range !== null && (converted.value < range.min || converted.value > range.max);
    accepted.push({ candidate: c, ...converted, implausible });
  }

  const systolic = accepted.find((a) => a.candidate.parameter === 'systolicBp');
  const diastolic = accepted.find((a) => a.candidate.parameter === 'diastolicBp');
  if (systolic !== undefined && diastolic !== undefined && systolic.value <= diastolic.value) {
    failures.push({
      reason: 'implausible-value',
      detail: `${where}: systolic ${systolic.value} mm[Hg] is not above diastolic ${diastolic.value} mm[Hg]`,
      essential: true,
    });
  }

  // A half blood pressure misleads: when an essential value fails, nothing of the measurement is kept.
  const sinks = failures.some((f) => f.essential) && p.candidates.length > 1;
  const dropped = accepted.map((a) => a.candidate.field);
  const sinkNote = `; the whole measurement is rejected${dropped.length > 0 ? ` (in range but not recorded: ${dropped.join(', ')})` : ''}`;
  const rejections = failures.map((f) => ({
    reason: f.reason,
    detail: sinks ? `${f.detail}${sinkNote}` : f.detail,
    measurementIndex: index,
  }));
  const observations = sinks ? [] : accepted.map((a) => toObservation(env, p, index, a, receivedAt));
  return { observations, rejections };
}

function toObservation(
  env: ReadingsEnvelope,
  p: Plan,
  index: number,
  a: Accepted,
  receivedAt: Date,
): DeviceObservation {
  const { candidate: c } = a;
  const definition = PARAMETER_DEFINITIONS[c.parameter];
  const position = c.subIndex === null ? `${index}` : `${index}.${c.subIndex}`;
  return {
    id: `${env.deviceId}:${env.seq}:${position}`,
    deviceId: env.deviceId,
    parameter: c.parameter,
    value: a.value,
    valueCode: null,
    unit: definition.unit,
    loinc: definition.loinc,
    mdc: c.mdc,
    original: a.original,
    measuredAt: p.measuredAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
    source: p.source,
    messageId: `${env.deviceId}:${env.seq}`,
    seq: env.seq,
    detail: a.implausible ? { ...p.detail, implausible: true } : p.detail === null ? null : { ...p.detail },
    enteredBy: null,
  };
}
