import type { DeviceChannel, Measurement } from '@vigil/contracts';
import {
  MALFORMED_KINDS,
  type MalformedKind,
  chunkMeasurements,
  fallMeasurement,
  malformedPayload,
  measurementsFor,
  readingsEnvelope,
  statusHeartbeat,
} from '../scenarios/payloads';
import { createRng, deriveSeed, type Rng } from '../scenarios/random';
import type { DeviceKind, DeviceStyle } from '../scenarios/roster';
import { type PatientProfile, vitalsAt } from '../scenarios/vitals';

/** Scenario timings, in seconds of scenario time (real seconds × speed). */
export const SCENARIO_TIMING = {
  /** The deteriorating patient's readings come this often so the rise is visible second by second. */
  deterioratingReadingInterval: 5,
  readingInterval: 15,
  hubReadingInterval: 10,
  /** Falls sensors check this often whether a fall is due. */
  fallsCheckInterval: 2,
  heartbeatInterval: 30,
  firstFallAt: 20,
  fallRepeat: 600,
  /** The offline scenario's oximeter stops sending anything, heartbeats included. */
  offlineAfter: 45,
  /** The store-and-forward hub holds everything until then, then uploads the backlog in one go. */
  backlogUploadAt: 60,
} as const;

/** Default share of messages that are deliberately malformed. */
export const DEFAULT_MALFORMED_SHARE = 0.01;

export interface DeviceSpec {
  deviceId: string;
  kind: DeviceKind;
  style: DeviceStyle;
  profile: PatientProfile;
  /** Seed of this device's own random streams (vitals noise, faults, health). */
  seed: number;
}

export interface OutgoingMessage {
  channel: DeviceChannel;
  payload: string;
  seq: number;
  /** Set when the payload is deliberately bad; the platform should dead-letter it. */
  malformed: MalformedKind | null;
  measurements: number;
}

export interface DeviceSimulationOptions {
  /** First seq to use; every message after it gets the next number. */
  startSeq: number;
  malformedShare?: number;
}

const FIRMWARE: Record<DeviceKind, string> = {
  'pulse-oximeter': '2.1.0',
  'blood-pressure': '1.4.2',
  thermometer: '3.0.1',
  'falls-sensor': '1.0.9',
  hub: '5.2.0',
};

/**
 * What one simulated device sends, as a pure function of wall-clock `now` and scenario time
 * `elapsed`: no timers and no network here, so the behaviour is unit-testable and seeded.
 */
export class DeviceSimulation {
  readonly readingIntervalSeconds: number;
  private seq: number;
  private readonly noise: Rng;
  private readonly faults: Rng;
  private readonly malformedShare: number;
  private readonly fahrenheit: boolean;
  private readonly initialBattery: number;
  private readonly signalBase: number;
  private fallsSent = 0;
  private held: Measurement[] = [];

  constructor(
    readonly spec: DeviceSpec,
    options: DeviceSimulationOptions,
  ) {
    this.seq = options.startSeq;
    this.noise = createRng(deriveSeed(spec.seed, 'noise'));
    this.faults = createRng(deriveSeed(spec.seed, 'faults'));
    this.malformedShare = options.malformedShare ?? DEFAULT_MALFORMED_SHARE;
    const traits = createRng(deriveSeed(spec.seed, 'traits'));
    this.fahrenheit = spec.kind === 'thermometer' && traits.next() < 0.2;
    this.initialBattery = traits.int(35, 100);
    this.signalBase = traits.int(-85, -60);
    this.readingIntervalSeconds = readingInterval(spec);
  }

  get deviceId(): string {
    return this.spec.deviceId;
  }

  /** The next seq this device would use. */
  get nextSeq(): number {
    return this.seq;
  }

  /** True once the device has gone silent for good. */
  isOffline(elapsed: number): boolean {
    return (
      this.spec.profile.scenario === 'offline' &&
      this.spec.kind === 'pulse-oximeter' &&
      elapsed >= SCENARIO_TIMING.offlineAfter
    );
  }

  /** True while a store-and-forward hub is out of reach and holding its readings back. */
  isHolding(elapsed: number): boolean {
    return this.spec.style === 'batch-hub' && elapsed < SCENARIO_TIMING.backlogUploadAt;
  }

  /** Readings messages due now (possibly none, possibly a backlog of several). */
  readings(now: Date, elapsed: number): OutgoingMessage[] {
    if (this.isOffline(elapsed)) return [];
    const messages: OutgoingMessage[] = [];
    const vitals = vitalsAt(this.spec.profile, elapsed, this.noise);
    if (this.spec.style === 'falls') {
      const due =
        elapsed < SCENARIO_TIMING.firstFallAt
          ? 0
          : 1 + Math.floor((elapsed - SCENARIO_TIMING.firstFallAt) / SCENARIO_TIMING.fallRepeat);
      while (this.fallsSent < due) {
        this.fallsSent += 1;
        messages.push(this.envelope(now, [fallMeasurement(now, this.noise)]));
      }
    } else {
      const current = measurementsFor(this.spec.kind, this.spec.style, vitals, now, {
        fahrenheit: this.fahrenheit,
      });
      if (this.isHolding(elapsed)) {
        this.held.push(...current);
        return [];
      }
      const batch = [...this.held, ...current];
      this.held = [];
      for (const chunk of chunkMeasurements(batch)) messages.push(this.envelope(now, chunk));
    }
    if (messages.length > 0 && this.faults.next() < this.malformedShare) {
      const kind = this.faults.pick(MALFORMED_KINDS);
      const seq = this.takeSeq();
      messages.push({
        channel: 'readings',
        payload: malformedPayload(kind, this.deviceId, seq, now, vitals),
        seq,
        malformed: kind,
        measurements: 0,
      });
    }
    return messages;
  }

  /** The heartbeat due now, or null when the device is silent. */
  heartbeat(now: Date, elapsed: number): OutgoingMessage | null {
    if (this.isOffline(elapsed) || this.isHolding(elapsed)) return null;
    const battery = Math.max(5, this.initialBattery - Math.floor(elapsed / 300));
    const signalDbm = Math.round(this.signalBase + this.noise.between(-3, 3));
    const seq = this.takeSeq();
    const payload = statusHeartbeat(this.deviceId, seq, now, {
      battery,
      signalDbm,
      firmware: FIRMWARE[this.spec.kind],
    });
    return { channel: 'status', payload: JSON.stringify(payload), seq, malformed: null, measurements: 0 };
  }

  private envelope(now: Date, measurements: Measurement[]): OutgoingMessage {
    const seq = this.takeSeq();
    return {
      channel: 'readings',
      payload: JSON.stringify(readingsEnvelope(this.deviceId, seq, now, measurements)),
      seq,
      malformed: null,
      measurements: measurements.length,
    };
  }

  private takeSeq(): number {
    const seq = this.seq;
    this.seq += 1;
    return seq;
  }
}

function readingInterval(spec: DeviceSpec): number {
  if (spec.style === 'falls') return SCENARIO_TIMING.fallsCheckInterval;
  if (spec.kind === 'hub') return SCENARIO_TIMING.hubReadingInterval;
  if (spec.profile.scenario === 'deteriorating') return SCENARIO_TIMING.deterioratingReadingInterval;
  return SCENARIO_TIMING.readingInterval;
}

/**
 * A starting seq that is larger than any this device used before, without storing anything: the
 * platform deduplicates on (device, seq), so a restarted simulator that began again at 0 would have
 * every message discarded as a replay. Microseconds since the epoch stay far below 2^53.
 */
export function seqStartFromClock(nowMs: number = Date.now()): number {
  return Math.floor(nowMs) * 1000;
}
