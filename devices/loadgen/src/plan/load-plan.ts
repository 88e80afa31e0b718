import { DEVICE_PROTOCOL_VERSION, type ReadingsEnvelope } from '@vigil/contracts';

/**
 * A seeded, fully planned load: which device sends which readings, in which order, how often each is
 * re-published and how far its clock is off. Everything a fault round sends is in the plan, so a failed
 * round can be replayed from its seed (the history file names it) and the oracle can reason about it.
 */

/** Vitals of one message; each maps to one NEWS2 parameter (blood pressure to systolic + diastolic). */
export interface PlannedVitals {
  respiratoryRate: number;
  spo2: number;
  heartRate: number;
  temperatureC: number;
  systolicBp: number;
  diastolicBp: number;
}

export interface PlannedMessage {
  seq: number;
  /** Offset of `measuredAt` from the round's start on the device's own (possibly wrong) clock. */
  measuredOffsetMs: number;
  vitals: PlannedVitals;
  /** Extra re-publications of the identical payload (0 = sent once), as a hub retrying after a lost PUBACK. */
  duplicates: number;
}

export interface PlannedDevice {
  /** Index within the round; the harness maps it to a provisioned device id. */
  index: number;
  /** Whether this patient's readings cross into the NEWS2 ≥ 5 band part-way through (and stay there). */
  crossing: boolean;
  /** The device clock's error; beyond 5 minutes either way ingest corrects for it and flags the readings (R12). */
  clockSkewMs: number;
  /** In the order they are published (a reordered pair is swapped here). */
  sendOrder: PlannedMessage[];
}

export interface LoadPlanOptions {
  seed: number;
  devices: number;
  messagesPerDevice: number;
  /** Milliseconds between two readings of one device (measuredAt spacing and publish pacing). */
  intervalMs: number;
  /** Share of devices whose patient crosses the NEWS2 band. */
  crossingShare: number;
  /** Share of messages re-published 1–3 extra times. */
  duplicateShare: number;
  /** Share of messages swapped with the next one in publish order. */
  reorderShare: number;
  /** Clock errors of the first devices of the round, in order (e.g. [+10 min, −10 min]); the rest are exact. */
  clockSkewsMs: readonly number[];
}

export interface LoadPlan {
  options: LoadPlanOptions;
  devices: PlannedDevice[];
}

/** mulberry32: small, fast and identical on every platform, which is all a replayable plan needs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, low: number, high: number, decimals = 0): number => {
  const f = 10 ** decimals;
  return Math.round((low + random() * (high - low)) * f) / f;
};

/** Every parameter scores 0 (RCP NEWS2 2017 chart 1). */
export function normalVitals(random: () => number): PlannedVitals {
  return {
    respiratoryRate: between(random, 13, 19),
    spo2: between(random, 97, 99),
    heartRate: between(random, 55, 88),
    temperatureC: between(random, 36.3, 37.9, 1),
    systolicBp: between(random, 115, 200),
    diastolicBp: between(random, 65, 90),
  };
}

/**
 * Scores 2+2+2+1+1 = 8 (high band) with no single parameter at 3, so only the NEWS2 band (a reason of the one `deterioration` alert) fires:
 * RR 21–24, SpO2 92–93 (scale 1), pulse 111–130, temperature 38.1–39.0, systolic 101–110.
 */
export function abnormalVitals(random: () => number): PlannedVitals {
  return {
    respiratoryRate: between(random, 21, 24),
    spo2: between(random, 92, 93),
    heartRate: between(random, 111, 130),
    temperatureC: between(random, 38.1, 39, 1),
    systolicBp: between(random, 101, 110),
    diastolicBp: between(random, 60, 75),
  };
}

export function buildLoadPlan(options: LoadPlanOptions): LoadPlan {
  const random = seededRandom(options.seed);
  const devices: PlannedDevice[] = [];
  for (let index = 0; index < options.devices; index += 1) {
    const clockSkewMs = options.clockSkewsMs[index] ?? 0;
    // Skewed devices stay stable: their readings test storage and dead-lettering, not alerting.
    const crossing = clockSkewMs === 0 && random() < options.crossingShare;
    // The last reading is always abnormal for a crossing patient, so its newest reading (never "late")
    // opens the episode whatever order the rest arrive in.
    const crossFrom = crossing
      ? Math.floor(options.messagesPerDevice * (0.3 + 0.4 * random()))
      : options.messagesPerDevice;
    const messages: PlannedMessage[] = [];
    for (let k = 0; k < options.messagesPerDevice; k += 1) {
      const duplicates = random() < options.duplicateShare ? 1 + Math.floor(random() * 3) : 0;
      messages.push({
        seq: k + 1,
        measuredOffsetMs: k * options.intervalMs + clockSkewMs,
        vitals: k >= crossFrom ? abnormalVitals(random) : normalVitals(random),
        duplicates,
      });
    }
    for (let k = 0; k + 1 < messages.length; k += 1) {
      if (random() < options.reorderShare) {
        [messages[k], messages[k + 1]] = [messages[k + 1], messages[k]];
        k += 1;
      }
    }
    devices.push({ index, crossing, clockSkewMs, sendOrder: messages });
  }
  return { options, devices };
}

/** The device-protocol v1 envelope of one planned message (five measurements, one `measuredAt`). */
export function toEnvelope(
  deviceId: string,
  message: PlannedMessage,
  roundStartMs: number,
  sentAtMs: number,
): ReadingsEnvelope {
  const measuredAt = new Date(roundStartMs + message.measuredOffsetMs).toISOString();
  const v = message.vitals;
  return {
    v: DEVICE_PROTOCOL_VERSION,
    deviceId,
    seq: message.seq,
    sentAt: new Date(sentAtMs).toISOString(),
    measurements: [
      { type: 'respiratoryRate', value: v.respiratoryRate, unit: '/min', measuredAt },
      { type: 'spo2', value: v.spo2, unit: '%', measuredAt },
      { type: 'heartRate', value: v.heartRate, unit: '/min', measuredAt },
      { type: 'temperature', value: v.temperatureC, unit: 'Cel', measuredAt },
      {
        type: 'bloodPressure',
        systolic: v.systolicBp,
        diastolic: v.diastolicBp,
        unit: 'mm[Hg]',
        measuredAt,
      },
    ],
  };
}

/** The observation parameters one planned message becomes once stored. */
export const STORED_PARAMETERS = [
  'diastolicBp',
  'heartRate',
  'respiratoryRate',
  'spo2',
  'systolicBp',
  'temperature',
] as const;
