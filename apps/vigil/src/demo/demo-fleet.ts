import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The simulator's built CLI (devices/simulator). Backend code never imports device code: it runs beside it. */
export const SIMULATOR_ENTRY = 'dist/devices/simulator/src/main.js';

export interface DemoFleetOptions {
  /** The folder holding `dist/` (the repository root). */
  rootDir: string;
  apiUrl: string;
  mqttUrl: string;
  username: string;
  password: string;
  /** The demo clinician: records the COPD patient's audited oxygen prescription (R9: admins may not). */
  clinician?: { username: string; password: string };
  patients: number;
  /** Where the simulator keeps its devices' credentials, so a second start reuses them. */
  stateFile: string;
  log: (line: string) => void;
}

export interface DemoFleet {
  pid: number;
  /** Resolves when the fleet process has exited (for whatever reason). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs the demo fleet as a child process, its output prefixed with `[demo]`. Returns null (having said
 * why) when the simulator is not built, so the platform still starts without it.
 */
export function startDemoFleet(options: DemoFleetOptions): DemoFleet | null {
  const entry = path.join(options.rootDir, SIMULATOR_ENTRY);
  if (!existsSync(entry)) {
    options.log(
      `demo fleet unavailable: ${SIMULATOR_ENTRY} is not built (devices/simulator); carrying on without it`,
    );
    return null;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      'demo',
      '--api-url',
      options.apiUrl,
      '--mqtt-url',
      options.mqttUrl,
      '--username',
      options.username,
      '--patients',
      String(options.patients),
      '--state',
      options.stateFile,
    ],
    {
      cwd: options.rootDir,
      // The password goes by environment rather than argv, which any local user can read with ps.
      env: {
        ...process.env,
        VIGIL_SIMULATOR_PASSWORD: options.password,
        ...(options.clinician
          ? {
              VIGIL_SIMULATOR_CLINICIAN_USERNAME: options.clinician.username,
              VIGIL_SIMULATOR_CLINICIAN_PASSWORD: options.clinician.password,
            }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => options.log(`[demo] ${line}`));
  }
  let stopping = false;
  // If this process dies without stop() (an uncaught error), the fleet must not outlive it.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  const exited = new Promise<number | null>((resolve) => {
    // 'close', not 'exit': it comes after the child's output has been read to the end.
    child.once('close', (code, signal) => {
      if (!stopping) {
        options.log(`demo fleet exited (${signal ?? `code ${code}`}); the platform keeps running without it`);
      }
      process.removeListener('exit', onExit);
      resolve(code);
    });
    child.once('error', (error) => {
      options.log(`demo fleet could not start: ${error.message}`);
      resolve(null);
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    async stop(graceMs = 5000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
