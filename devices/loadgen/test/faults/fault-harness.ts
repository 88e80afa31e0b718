import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DeviceFleet, type FleetDevice } from '../../src/device/device-fleet.client';
import { HistoryRecorder } from '../../src/history/history-recorder';
import { judge, type OracleDevice, type OracleVerdict } from '../../src/oracle/oracle';
import { buildLoadPlan, type LoadPlanOptions } from '../../src/plan/load-plan';
import { DistributedSystem } from './distributed-system';
import { FaultDatabase } from './fault-database.client';
import { type MosquittoProcess, startMosquitto } from './mosquitto-process';
import { ProgressMonitor, type RoundTiming } from './progress-monitor';
import { VigilApiClient } from './vigil-api.client';
import { REPO_ROOT, VigilProcess } from './vigil-process';
import { waitFor } from './wait';

/** `FAULTS_MODE=short` for CI (a few minutes); anything else is the full suite. */
export const SHORT = process.env['FAULTS_MODE'] === 'short';
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'artifacts/faults', SHORT ? 'short' : 'full');

export interface Scale {
  devices: number;
  messagesPerDevice: number;
  intervalMs: number;
  /** How long PostgreSQL connections keep being cut. */
  databaseCutMs: number;
  /** How long Vigil / Mosquitto stay down before the restart. */
  downMs: number;
  /** How long after the load the system may take to store everything acknowledged. */
  settleMs: number;
  /** How long storage may make no progress before the wait for it ends. */
  stallMs: number;
}

const BASE_SCALE: Scale = SHORT
  ? {
      devices: 12,
      messagesPerDevice: 48,
      intervalMs: 250,
      databaseCutMs: 5_000,
      downMs: 1_000,
      settleMs: 90_000,
      stallMs: 15_000,
    }
  : {
      devices: 40,
      messagesPerDevice: 200,
      intervalMs: 250,
      databaseCutMs: 30_000,
      downMs: 3_000,
      settleMs: 240_000,
      stallMs: 45_000,
    };

/**
 * The load of each round; FAULTS_DEVICES, FAULTS_MESSAGES_PER_DEVICE and FAULTS_INTERVAL_MS override it (each
 * message carries one reading of five vital signs), e.g. issue 11's "the full fault suite at 2,000 readings/s":
 * `FAULTS_DEVICES=500 FAULTS_INTERVAL_MS=250 npm run test:faults` (500 devices × 4 readings/s).
 */
export const SCALE: Scale = withLoadFromEnv(BASE_SCALE);

/** `base` with the load FAULTS_DEVICES, FAULTS_MESSAGES_PER_DEVICE and FAULTS_INTERVAL_MS set, if they are. */
export function withLoadFromEnv(base: Scale): Scale {
  return {
    ...base,
    devices: positiveFromEnv('FAULTS_DEVICES') ?? base.devices,
    messagesPerDevice: positiveFromEnv('FAULTS_MESSAGES_PER_DEVICE') ?? base.messagesPerDevice,
    intervalMs: positiveFromEnv('FAULTS_INTERVAL_MS') ?? base.intervalMs,
  };
}

function positiveFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const INGEST = { username: 'vigil-ingest', password: randomBytes(18).toString('base64url') };
const ADMIN = { username: 'faults.admin', password: randomBytes(18).toString('base64url') };

/** The Vigil under test: the embedded runtime as one process, or the distributed mode's services. */
export interface SystemUnderTest {
  /** Where the suite's REST calls go. */
  readonly httpUrl: string;
  recentOutput(): string;
  stop(): Promise<void>;
}

/** What a fault script gets: the running system, the round's recorder and its time window. */
export interface FaultContext<S extends SystemUnderTest = VigilProcess> {
  env: FaultEnvironment<S>;
  history: HistoryRecorder;
  /** The load's start (epoch ms) and its length. */
  loadStartMs: number;
  loadMs: number;
  /** Resolves at `fraction` of the load window (0–1). */
  at(fraction: number): Promise<void>;
}

export interface RoundResult {
  verdict: OracleVerdict;
  historyFile: string;
  /** Messages handed to mqtt.js that never got a PUBACK before the settle deadline (not acknowledged). */
  unacknowledged: number;
  fleetReconnects: number;
  /** Re-publications of an already sent (device, seq) that the broker acknowledged. */
  duplicatesAcknowledged: number;
  /** Whatever the fault script returned (its visibility evidence). */
  evidence: unknown;
  /** With `measure`: what the fault did to the flow of readings and alerts. */
  timing: RoundTiming | null;
}

export interface RoundSpec<S extends SystemUnderTest = VigilProcess> {
  name: string;
  seed: number;
  duplicateShare?: number;
  reorderShare?: number;
  clockSkewsMs?: number[];
  fault?: (ctx: FaultContext<S>) => Promise<unknown>;
  /**
   * Measure the delays as the round runs (polls the database directly every 250 ms; not for rounds that cut
   * the database itself off).
   */
  measure?: boolean;
}

/** Our own database, Mosquitto and Vigil (one process, or the distributed mode's services) for a round. */
export class FaultEnvironment<S extends SystemUnderTest = VigilProcess> {
  private roundNo = 0;
  private patientNo = 0;

  private constructor(
    readonly db: FaultDatabase,
    readonly mosquitto: MosquittoProcess,
    readonly system: S,
    readonly api: VigilApiClient,
    readonly wardId: string,
    readonly scale: Scale = SCALE,
  ) {}

  /**
   * The system under test is what `npm start` runs: compile it (swc, a few seconds) once per suite, unless
   * FAULTS_SKIP_BUILD says to test the dist/ already there.
   */
  static build(): void {
    if (process.env['FAULTS_SKIP_BUILD']) return;
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools/build.mjs'), '--quiet'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }

  /** A fresh database, Mosquitto and Vigil process: each round gets its own, so one fault cannot leak into the next. */
  static async start(): Promise<FaultEnvironment<VigilProcess>> {
    const db = await FaultDatabase.create();
    const mosquitto = await startMosquitto([INGEST]);
    const vigil = new VigilProcess({
      databaseUrl: db.url,
      mqttUrl: mosquitto.url,
      mqttUsername: INGEST.username,
      mqttPassword: INGEST.password,
    });
    try {
      await vigil.start();
      const { wardId } = await db.seedAdmin(ADMIN.username, ADMIN.password, 'Fault suite virtual ward');
      const api = new VigilApiClient(() => vigil.httpUrl);
      await api.login(ADMIN.username, ADMIN.password);
      return new FaultEnvironment<VigilProcess>(db, mosquitto, vigil, api, wardId);
    } catch (error) {
      await vigil.stop();
      await mosquitto.stop();
      await db.drop();
      throw error;
    }
  }

  /**
   * The distributed mode (docs/operations.md): 2 ingest, 2 scorer and 2 api processes on a private Kafka
   * broker, our Mosquitto and a fresh database reached through a TCP proxy the suite can cut.
   */
  static async startDistributed(scale: Scale = SCALE): Promise<FaultEnvironment<DistributedSystem>> {
    const db = await FaultDatabase.create();
    let mosquitto: MosquittoProcess | null = null;
    let system: DistributedSystem | null = null;
    try {
      mosquitto = await startMosquitto([INGEST]);
      system = await DistributedSystem.start({
        databaseUrl: db.url,
        mqttUrl: mosquitto.url,
        mqttUsername: INGEST.username,
        mqttPassword: INGEST.password,
        redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        tag: db.name,
      });
      const { wardId } = await db.seedAdmin(ADMIN.username, ADMIN.password, 'Distributed fault suite ward');
      const running = system;
      const api = new VigilApiClient(() => running.httpUrl);
      await api.login(ADMIN.username, ADMIN.password);
      return new FaultEnvironment<DistributedSystem>(db, mosquitto, system, api, wardId, scale);
    } catch (error) {
      await system?.stop();
      await mosquitto?.stop();
      await db.drop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.system.stop();
    await this.mosquitto.stop();
    if (!process.env['FAULTS_KEEP_DATABASE']) await this.db.drop();
  }

  /**
   * Waits until every acknowledged reading is stored, up to the settle deadline — or until nothing more has
   * been stored for `SCALE.stallMs` (a pipeline that stopped will not start by itself); the oracle then names
   * what is missing. Readings stored but never acknowledged do not count (they could end the wait early).
   * Returns how the wait ended, for the round's diagnosis.
   */
  private async waitForStorage(deviceIds: string[], acknowledged: ReadonlySet<string>): Promise<string> {
    const startedAt = Date.now();
    let last = -1;
    let lastChange = startedAt;
    let missing = acknowledged.size;
    let outcome = '';
    await waitFor(
      'every acknowledged reading to be stored',
      this.scale.settleMs,
      async () => {
        const stored = await this.db.storedKeys(deviceIds);
        missing = [...acknowledged].filter((k) => !stored.has(k)).length;
        if (stored.size !== last) {
          last = stored.size;
          lastChange = Date.now();
        }
        if (missing === 0) {
          outcome = `every acknowledged reading stored ${Date.now() - startedAt} ms after the load settled`;
          return true;
        }
        if (Date.now() - lastChange > this.scale.stallMs) {
          outcome = `gave up: nothing new stored for ${this.scale.stallMs} ms with ${missing} acknowledged readings missing`;
          return true;
        }
        return false;
      },
      250,
    ).catch(() => {
      outcome = `gave up: the ${this.scale.settleMs} ms settle deadline passed with ${missing} acknowledged readings missing`;
    });
    return outcome;
  }

  /** Signs in again (a restarted process keeps sessions in the database, but a cut may have lost ours). */
  async relogin(): Promise<void> {
    await this.api.login(ADMIN.username, ADMIN.password);
  }

  /**
   * One round: fresh patients and devices, the planned load at a steady rate with the fault injected
   * part-way, then (after everything acknowledged had time to land) the oracle over the database.
   */
  async runRound(spec: RoundSpec<S>): Promise<RoundResult> {
    this.roundNo += 1;
    const planOptions: LoadPlanOptions = {
      seed: spec.seed,
      devices: this.scale.devices,
      messagesPerDevice: this.scale.messagesPerDevice,
      intervalMs: this.scale.intervalMs,
      crossingShare: 0.3,
      duplicateShare: spec.duplicateShare ?? 0,
      reorderShare: spec.reorderShare ?? 0,
      clockSkewsMs: spec.clockSkewsMs ?? [],
    };
    const plan = buildLoadPlan(planOptions);
    const prefix = `lg-${Date.now().toString(36)}-r${this.roundNo}`;
    const fleetDevices: FleetDevice[] = [];
    const oracleDevices: OracleDevice[] = [];
    for (const planned of plan.devices) {
      const deviceId = `${prefix}-d${planned.index}`;
      const patientId = await this.api.admitPatient(this.wardId, (this.patientNo += 1));
      const secret = await this.api.provisionAndBind(deviceId, patientId);
      fleetDevices.push({ deviceId, secret, planned });
      oracleDevices.push({ deviceId, patientId, planned });
    }
    await this.db.backdateBindings(fleetDevices.map((d) => d.deviceId));
    this.mosquitto.addUsers(fleetDevices.map((d) => ({ username: d.deviceId, password: d.secret })));
    const history = new HistoryRecorder(
      spec.name,
      spec.seed,
      planOptions,
      oracleDevices.map((d) => ({
        deviceId: d.deviceId,
        patientId: d.patientId,
        crossing: d.planned.crossing,
        clockSkewMs: d.planned.clockSkewMs,
      })),
    );
    const fleet = new DeviceFleet({
      mqttUrl: this.mosquitto.url,
      devices: fleetDevices,
      intervalMs: this.scale.intervalMs,
      history,
    });
    let evidence: unknown = null;
    let unacknowledged = 0;
    const monitor = spec.measure ? new ProgressMonitor(this.db, oracleDevices) : null;
    try {
      // The password file reload is asynchronous: a device refused just before it is retried by mqtt.js.
      await fleet.connect(20_000);
      const loadStartMs = Date.now() + 200;
      const loadMs = this.scale.messagesPerDevice * this.scale.intervalMs;
      const ctx: FaultContext<S> = {
        env: this,
        history,
        loadStartMs,
        loadMs,
        at: (fraction) =>
          new Promise((r) => setTimeout(r, Math.max(0, loadStartMs + fraction * loadMs - Date.now()))),
      };
      monitor?.start();
      const [, faultEvidence] = await Promise.all([
        fleet.run(loadStartMs),
        spec.fault ? spec.fault(ctx) : null,
      ]);
      evidence = faultEvidence;
      unacknowledged = await fleet.settle(this.scale.settleMs);

      const deviceIds = fleetDevices.map((d) => d.deviceId);
      const acknowledged = history.acknowledged();
      const validAcked = new Set(
        [...acknowledged].filter((k) => oracleDevices.some((d) => k.startsWith(`${d.deviceId}|`))),
      );
      // Everything acknowledged must eventually be stored; stop waiting at the deadline and let the
      // oracle name what is missing.
      const storageWait = await this.waitForStorage(deviceIds, validAcked);
      await monitor?.stop();
      const timing = monitor ? monitor.timing(history.toJSON(), faultWindow(history.toJSON())) : null;
      const stored = await this.db.storedRows(deviceIds);
      const deadLetters = await this.db.deadLetters(deviceIds);
      const alerts = await this.db.clinicalAlerts(oracleDevices.map((d) => d.patientId));
      const verdict = judge({ devices: oracleDevices, acknowledged, stored, deadLetters, alerts });
      history.setOutcome({
        verdict,
        // What the database held: stored (device, seq) keys, dead letters and clinical episodes.
        stored: [...new Set(stored.map((r) => `${r.deviceId}|${r.seq}`))],
        deadLetters,
        alerts,
        unacknowledged,
        fleetReconnects: fleet.reconnects(),
        evidence,
        timing,
        storageWait,
        vigilOutput: this.system.recentOutput(),
      });
      if (verdict.lost.length > 0) {
        // CI keeps only the console: say there how the wait ended and what the services said last.
        process.stdout.write(
          `[faults] ${spec.name}: ${verdict.lost.length} acknowledged readings not stored (${verdict.lost.slice(0, 10).join(', ')}); ${storageWait}\n${this.system.recentOutput()}\n`,
        );
      }
      const historyFile = await history.write(ARTIFACTS_DIR);
      return {
        verdict,
        historyFile,
        unacknowledged,
        fleetReconnects: fleet.reconnects(),
        duplicatesAcknowledged: history.count('duplicate-acked'),
        evidence,
        timing,
      };
    } catch (error) {
      history.setOutcome({ error: String(error), vigilOutput: this.system.recentOutput() });
      await history.write(ARTIFACTS_DIR);
      throw error;
    } finally {
      await monitor?.stop();
      await fleet.close();
    }
  }
}

/** The span from the round's first fault start to its last fault end (epoch ms), or null without a fault. */
function faultWindow(
  history: ReturnType<HistoryRecorder['toJSON']>,
): { startMs: number; endMs: number } | null {
  if (history.faults.length === 0) return null;
  const origin = Date.parse(history.startedAt);
  return {
    startMs: origin + Math.min(...history.faults.map((f) => f.t)),
    endMs: origin + Math.max(...history.faults.map((f) => f.t)),
  };
}

/** The parts of a verdict that must all be empty, with the history file named for the replay. */
export function failures(result: RoundResult) {
  const v = result.verdict;
  return {
    lost: v.lost,
    duplicated: v.duplicated,
    clockNotCorrected: v.clockNotCorrected,
    missedAlerts: v.missedAlerts,
    duplicatedAlerts: v.duplicatedAlerts,
    spuriousAlerts: v.spuriousAlerts,
    history: result.historyFile,
  };
}

export const NO_FAILURES = (historyFile: string) => ({
  lost: [],
  duplicated: [],
  clockNotCorrected: [],
  missedAlerts: [],
  duplicatedAlerts: [],
  spuriousAlerts: [],
  history: historyFile,
});
