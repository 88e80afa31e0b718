import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './vigil-process';

export type ServiceApp = 'ingest' | 'scorer' | 'api';

/** Output lines left out of {@link ServiceProcess.recentOutput}: a Nest route notice and kafkajs' reconnect attempts. */
const NOISE = /^.*(?:LegacyRouteConverter|"kafkajs":"(?:Connection|BrokerPool)").*\n/gm;

/**
 * One built service of the distributed mode (`node dist/apps/<app>/src/main.js`) as a child process, as
 * docs/operations.md starts it: it prints one JSON line when ready, naming its ports (`OPS_PORT=0` /
 * `PORT=0` pick free ones). A restart keeps the ports it was given on its first start.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private output = '';
  /** `http://127.0.0.1:<port>`: the ops server (ingest, scorer) or the api. */
  url = '';
  starts = 0;

  constructor(
    readonly name: string,
    private readonly app: ServiceApp,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    const c = this.child;
    return c !== null && c.exitCode === null && c.signalCode === null;
  }

  /**
   * The last 3,000 characters of output, without kafkajs' line per failed reconnect while a broker is down (those
   * would fill it and hide what the service itself said).
   */
  recentOutput(): string {
    return this.output.replace(NOISE, '').slice(-3000);
  }

  /** Starts it and resolves once it printed its ready line (ingest and scorer also answer /health then). */
  async start(timeoutMs = 60_000): Promise<void> {
    const port = this.url ? new URL(this.url).port : '0';
    const ports = this.app === 'api' ? { PORT: port } : { OPS_PORT: port };
    const child = spawn(process.execPath, [path.join(REPO_ROOT, `dist/apps/${this.app}/src/main.js`)], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        LOG_LEVEL: 'warn',
        ...this.env,
        ...ports,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    const ready = this.app === 'api' ? /vigil-api: listening on (http:\/\/[^"\s]+)/ : /"opsPort":(\d+)/;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.recentOutput()}`));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString();
        // Noise is left out as it comes (a line split across chunks may slip through; recentOutput drops it).
        this.output = (this.output + text.replace(NOISE, '')).slice(-20_000);
        // FAULTS_SERVICE_LOGS=<dir>: every service's whole output, one file each, to read after a failed round.
        const logs = process.env['FAULTS_SERVICE_LOGS'];
        if (logs) appendFileSync(path.join(logs, `${this.name}.log`), text);
        if (done) return;
        buffered += text;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const match = ready.exec(line);
          if (!match) continue;
          this.url = this.app === 'api' ? match[1] : `http://127.0.0.1:${match[1]}`;
          done = true;
          clearTimeout(timer);
          resolve();
          return;
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(
          new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.recentOutput()}`),
        );
      });
    });
  }

  /** SIGKILL: no shutdown hook, in-flight work lost as in a crash. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** `/metrics` of its ops server (or of the api) parsed into `name{labels}` → value; empty when it is down. */
  async metrics(): Promise<Map<string, number>> {
    const values = new Map<string, number>();
    if (!this.running) return values;
    try {
      const response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(2000) });
      for (const line of (await response.text()).split('\n')) {
        if (!line || line.startsWith('#')) continue;
        const at = line.lastIndexOf(' ');
        values.set(line.slice(0, at), Number(line.slice(at + 1)));
      }
    } catch {
      // Down or busy: no sample.
    }
    return values;
  }

  /** The status of its health route (`/health`, or `/api/health` for the api); 0 when it does not answer. */
  async healthStatus(): Promise<number> {
    if (!this.running) return 0;
    try {
      const route = this.app === 'api' ? '/api/health' : '/health';
      const response = await fetch(`${this.url}${route}`, { signal: AbortSignal.timeout(2000) });
      await response.text();
      return response.status;
    } catch {
      return 0;
    }
  }
}

/** Sum of every sample of `name` (all label sets) in a parsed /metrics. */
export function metricSum(metrics: Map<string, number>, name: string, labelPart = ''): number {
  let sum = 0;
  for (const [key, value] of metrics) {
    if ((key === name || key.startsWith(`${name}{`)) && key.includes(labelPart)) sum += value;
  }
  return sum;
}
