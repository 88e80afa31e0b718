import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FatalWaitError, freePort, waitFor } from './wait';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The embedded runtime as `node tools/build.mjs` emits it (apps/vigil/src/main.ts). */
export const VIGIL_MAIN = path.join(REPO_ROOT, 'dist/apps/vigil/src/main.js');

export interface VigilProcessOptions {
  databaseUrl: string;
  mqttUrl: string;
  mqttUsername: string;
  mqttPassword: string;
}

/**
 * The system under test: the built Vigil runtime as a separate process (`main.js --no-demo`), on its own
 * database and our Mosquitto, with a fixed MQTT client id so a restarted process resumes the persistent
 * session the killed one left behind.
 */
export class VigilProcess {
  private child: ChildProcess | null = null;
  private output = '';
  private port = 0;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-faults-data-'));
  private readonly clientId = `vigil-faults-ingest-${process.pid}`;
  starts = 0;

  constructor(private readonly options: VigilProcessOptions) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last few KB of its stdout and stderr, for a failure message. */
  recentOutput(): string {
    return this.output.replace(/^.*LegacyRouteConverter.*\n/gm, '').slice(-6000);
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(process.execPath, [VIGIL_MAIN, '--no-demo'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        DATABASE_URL: this.options.databaseUrl,
        DATABASE_POOL_SIZE: '5',
        MQTT_URL: this.options.mqttUrl,
        MQTT_USERNAME: this.options.mqttUsername,
        MQTT_PASSWORD: this.options.mqttPassword,
        MQTT_CLIENT_ID: this.clientId,
        PORT: String(this.port),
        DEMO: 'false',
        VIGIL_DATA_DIR: this.dataDir,
        CONSOLE_DIR: path.join(this.dataDir, 'no-console'),
        LOG_LEVEL: 'warn',
        // FAULTS_VIGIL_DEBUG=mqttjs* traces the runtime's MQTT client (the `debug` package) into the history.
        ...(process.env['FAULTS_VIGIL_DEBUG'] ? { DEBUG: process.env['FAULTS_VIGIL_DEBUG'] } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    this.starts += 1;
    await waitFor('Vigil to answer /api/health with 200', 45_000, async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new FatalWaitError(
          `vigil exited (${child.exitCode ?? child.signalCode}):\n${this.recentOutput()}`,
        );
      }
      const response = await fetch(`${this.httpUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
      await response.text();
      return response.status === 200;
    });
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is lost exactly as in a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** A graceful stop (SIGTERM), then the data folder is removed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
