import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** One built service of the distributed mode (`node dist/apps/<name>/src/main.js`) as a child process. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  readonly output: string[] = [];

  constructor(
    readonly name: string,
    private readonly app: 'ingest' | 'scorer' | 'api',
    private readonly env: Record<string, string>,
  ) {}

  /** Starts it and resolves with the first output line matching `ready` (its listening/consuming line). */
  async start(ready: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, `dist/apps/${this.app}/src/main.js`)], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.tail()}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          this.output.push(line);
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          }
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.tail()}`));
      });
    });
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
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
}
