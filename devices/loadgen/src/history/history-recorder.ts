import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What happened to one (device, seq), in order: every publish attempt and every PUBACK. */
export type HistoryEventKind = 'sent' | 'acked' | 'duplicate-sent' | 'duplicate-acked' | 'publish-error';

export interface HistoryEvent {
  /** Milliseconds since the round started (the recorder's clock). */
  t: number;
  kind: HistoryEventKind;
  deviceId: string;
  seq: number;
  detail?: string;
}

export interface FaultEvent {
  t: number;
  fault: string;
  phase: 'start' | 'end';
  detail?: string;
}

export interface HistoryDevice {
  deviceId: string;
  patientId: string;
  crossing: boolean;
  clockSkewMs: number;
}

export interface RoundHistory {
  round: string;
  seed: number;
  startedAt: string;
  plan: unknown;
  devices: HistoryDevice[];
  events: HistoryEvent[];
  faults: FaultEvent[];
  /** Filled after the round: what the database held and the oracle's verdict. */
  outcome: unknown;
}

/**
 * Records a fault round as it runs, so a failure can be replayed: the plan (with its seed), every send
 * and PUBACK with its (device, seq), every fault injected, and the oracle's findings.
 */
export class HistoryRecorder {
  private readonly events: HistoryEvent[] = [];
  private readonly faults: FaultEvent[] = [];
  private outcome: unknown = null;
  private readonly startedMs: number;

  constructor(
    private readonly round: string,
    private readonly seed: number,
    private readonly plan: unknown,
    private readonly devices: HistoryDevice[],
    private readonly clock: () => number = Date.now,
  ) {
    this.startedMs = clock();
  }

  record(kind: HistoryEventKind, deviceId: string, seq: number, detail?: string): void {
    this.events.push({
      t: this.clock() - this.startedMs,
      kind,
      deviceId,
      seq,
      ...(detail ? { detail } : {}),
    });
  }

  fault(fault: string, phase: 'start' | 'end', detail?: string): void {
    this.faults.push({ t: this.clock() - this.startedMs, fault, phase, ...(detail ? { detail } : {}) });
  }

  setOutcome(outcome: unknown): void {
    this.outcome = outcome;
  }

  /** Every (device, seq) the broker acknowledged at least once, as `deviceId|seq` keys. */
  acknowledged(): Set<string> {
    const keys = new Set<string>();
    for (const e of this.events) {
      if (e.kind === 'acked' || e.kind === 'duplicate-acked') keys.add(messageKey(e.deviceId, e.seq));
    }
    return keys;
  }

  /** Every (device, seq) published at least once (acknowledged or not). */
  sent(): Set<string> {
    const keys = new Set<string>();
    for (const e of this.events) {
      if (e.kind === 'sent' || e.kind === 'duplicate-sent') keys.add(messageKey(e.deviceId, e.seq));
    }
    return keys;
  }

  count(kind: HistoryEventKind): number {
    return this.events.filter((e) => e.kind === kind).length;
  }

  toJSON(): RoundHistory {
    return {
      round: this.round,
      seed: this.seed,
      startedAt: new Date(this.startedMs).toISOString(),
      plan: this.plan,
      devices: this.devices,
      events: this.events,
      faults: this.faults,
      outcome: this.outcome,
    };
  }

  /** Writes `<dir>/<round>.json` and returns its path. */
  async write(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${this.round.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.json`);
    await writeFile(file, `${JSON.stringify(this.toJSON(), null, 1)}\n`);
    return file;
  }
}

export const messageKey = (deviceId: string, seq: number): string => `${deviceId}|${seq}`;
