import type { RoundHistory } from '../../src/history/history-recorder';
import type { OracleDevice } from '../../src/oracle/oracle';
import { referenceScore } from '../../src/oracle/oracle';
import type { FaultDatabase } from './fault-database.client';
import { sleep } from './wait';

/** What a fault did to the flow of readings and alerts, measured from the database as the round ran. */
export interface RoundTiming {
  /** Poll period of the measurement (its resolution). */
  resolutionMs: number;
  /**
   * Acknowledged reading (publish) → seen stored, over the round; its maximum is the longest any device's
   * readings waited (a partition without a consumer, a broker down, a database cut).
   */
  storedDelayMs: { p50: number | null; p99: number | null; max: number | null; readings: number };
  /** The same for readings published between the fault's start and its end (+ 1 s). */
  storedDelayDuringFaultMs: { p50: number | null; p99: number | null; max: number | null; readings: number };
  /** First reading in the NEWS2 ≥ 5 band (publish) → its patient's episode seen in the database. */
  alertDelayMs: { p50: number | null; max: number | null; alerts: number };
  /** Alerts whose delay exceeded the no-fault bound (2 s + the resolution): how many the fault delayed. */
  alertsDelayed: number;
}

const percentile = (sorted: number[], p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? null,
    readings: sorted.length,
  };
};

/**
 * Polls the round's database (directly, not through anything a fault cuts) while the round runs: how many
 * distinct readings of each device are stored, and when each patient's clinical episode first appears.
 * Afterwards {@link timing} lines that up with the history's publish times.
 */
export class ProgressMonitor {
  private readonly storedSamples = new Map<string, { t: number; n: number }[]>();
  private readonly alertSeen = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: FaultDatabase,
    private readonly devices: OracleDevice[],
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.running = true;
    const deviceIds = this.devices.map((d) => d.deviceId);
    const patientIds = this.devices.map((d) => d.patientId);
    this.loop = (async () => {
      while (this.running) {
        const t = Date.now();
        try {
          const counts = await this.db.storedCountsByDevice(deviceIds);
          for (const id of deviceIds) {
            const n = counts.get(id) ?? 0;
            const samples = this.storedSamples.get(id) ?? [];
            if (samples.length === 0 || samples[samples.length - 1].n !== n) samples.push({ t, n });
            this.storedSamples.set(id, samples);
          }
          for (const a of await this.db.clinicalAlerts(patientIds)) {
            if (!this.alertSeen.has(a.patientId)) this.alertSeen.set(a.patientId, t);
          }
        } catch {
          // A missed sample only coarsens the measurement.
        }
        await sleep(Math.max(0, this.everyMs - (Date.now() - t)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The measurements, given the round's history and its fault window (epoch ms; null without a fault). */
  timing(history: RoundHistory, fault: { startMs: number; endMs: number } | null): RoundTiming {
    const origin = Date.parse(history.startedAt);
    const firstSent = new Map<string, number>();
    const acked = new Set<string>();
    for (const e of history.events) {
      const k = `${e.deviceId}|${e.seq}`;
      if (e.kind === 'sent' && !firstSent.has(k)) firstSent.set(k, origin + e.t);
      if (e.kind === 'acked') acked.add(k);
    }
    const delays: number[] = [];
    const duringFault: number[] = [];
    for (const device of this.devices) {
      const samples = this.storedSamples.get(device.deviceId) ?? [];
      // The i-th reading published is taken as stored when the device's distinct stored count reached i + 1
      // (the scorer handles one device's readings in order; the rounds measured here neither reorder nor
      // re-publish).
      const published = device.planned.sendOrder
        .map((m) => ({ seq: m.seq, at: firstSent.get(`${device.deviceId}|${m.seq}`) }))
        .filter((m): m is { seq: number; at: number } => m.at !== undefined)
        .sort((a, b) => a.at - b.at);
      let s = 0;
      for (let i = 0; i < published.length; i += 1) {
        while (s < samples.length && samples[s].n < i + 1) s += 1;
        if (s >= samples.length) break;
        const storedAt = samples[s].t;
        const m = published[i];
        if (!acked.has(`${device.deviceId}|${m.seq}`)) continue;
        const delay = Math.max(0, storedAt - m.at);
        delays.push(delay);
        if (fault && m.at >= fault.startMs - 1_000 && m.at <= fault.endMs + 1_000) duringFault.push(delay);
      }
    }
    const alertDelays: number[] = [];
    for (const device of this.devices) {
      const seen = this.alertSeen.get(device.patientId);
      const crossing = device.planned.sendOrder.find((m) => referenceScore(m).total >= 5);
      const sentAt = crossing ? firstSent.get(`${device.deviceId}|${crossing.seq}`) : undefined;
      if (seen !== undefined && sentAt !== undefined) alertDelays.push(Math.max(0, seen - sentAt));
    }
    const alerts = summary(alertDelays);
    return {
      resolutionMs: this.everyMs,
      storedDelayMs: summary(delays),
      storedDelayDuringFaultMs: summary(duringFault),
      alertDelayMs: { p50: alerts.p50, max: alerts.max, alerts: alerts.readings },
      alertsDelayed: alertDelays.filter((d) => d > 2_000 + this.everyMs).length,
    };
  }
}
