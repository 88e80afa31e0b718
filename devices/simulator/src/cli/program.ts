import { Command, InvalidArgumentError, Option } from 'commander';
import { VigilApiClient } from '../api/vigil-api.client';
import { fleetDevicesFromState, provisionDemo } from '../demo/provision';
import { readState, writeState } from '../demo/state-file';
import type { DeviceConnection, DeviceConnectionOptions } from '../device/mqtt-device.client';
import { DEFAULT_MALFORMED_SHARE } from '../device/device-simulation';
import { Fleet, type FleetStats } from '../fleet/fleet';
import { type ProgressOutput, startProgress } from '../fleet/progress';

export interface CliIo {
  stdout: ProgressOutput;
  stderr: { write(chunk: string): unknown };
  /** Aborted on SIGINT/SIGTERM: the fleet then stops cleanly and the command returns. */
  signal: AbortSignal;
  fetchImpl?: typeof fetch;
  connect?: (options: DeviceConnectionOptions) => DeviceConnection;
  /** How often the demo asks the API for dead letters of its devices. */
  deadLetterPollMs?: number;
  plainProgressIntervalMs?: number;
}

export interface DemoOptions {
  apiUrl: string;
  mqttUrl: string;
  username: string;
  password: string;
  /** A clinician's sign-in, for the clinical settings an admin may not record (R9). */
  clinicianUsername?: string;
  clinicianPassword?: string;
  patients: number;
  wards: number | 'auto';
  state: string;
  speed: number;
  seed?: number;
  malformedShare: number;
}

export interface RunOptions {
  state: string;
  mqttUrl: string;
  speed: number;
  malformedShare: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}

function wardsOption(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : positiveInt(value);
}

function speedOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1000)
    throw new InvalidArgumentError('expected a number above 0 and at most 1000');
  return n;
}

function seedOption(value: string): number {
  const n = Number(value);
  if (!/^-?[0-9]+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number');
  return n;
}

function shareOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

function urlOption(value: string): string {
  try {
    new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL');
  }
  return value;
}

/** The `vigil-simulator` command line: `demo` provisions through the API and runs; `run` replays a state file. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('vigil-simulator')
    .description('A fleet of simulated home devices with clinical scenarios, for Vigil demos and tests.')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('demo')
    .description(
      'admit demo patients, provision and bind their devices through the REST API, then run the fleet',
    )
    .addOption(
      new Option('--api-url <url>', 'Vigil REST API base URL').argParser(urlOption).makeOptionMandatory(),
    )
    .addOption(new Option('--mqtt-url <url>', 'MQTT broker URL').argParser(urlOption).makeOptionMandatory())
    .addOption(
      new Option('--username <admin>', 'admin user name')
        .env('VIGIL_SIMULATOR_USERNAME')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--password <pw>', 'admin password (prefer the environment variable: argv is visible to ps)')
        .env('VIGIL_SIMULATOR_PASSWORD')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--clinician-username <name>',
        'a clinician who records the COPD patient’s oxygen prescription (R9: admins may not)',
      ).env('VIGIL_SIMULATOR_CLINICIAN_USERNAME'),
    )
    .addOption(
      new Option(
        '--clinician-password <pw>',
        'that clinician’s password (prefer the environment variable)',
      ).env('VIGIL_SIMULATOR_CLINICIAN_PASSWORD'),
    )
    .addOption(new Option('--patients <n>', 'number of demo patients').argParser(positiveInt).default(40))
    .addOption(
      new Option('--wards <n|auto>', 'wards to spread patients over').argParser(wardsOption).default('auto'),
    )
    .addOption(
      new Option(
        '--state <file>',
        'state file (patients, devices, secrets; mode 0600)',
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option('--speed <x>', 'scenario time runs x times faster').argParser(speedOption).default(1),
    )
    .addOption(
      new Option('--seed <n>', 'roster seed (default: the state file’s, else 1)').argParser(seedOption),
    )
    .addOption(
      new Option('--malformed-share <p>', 'share of deliberately malformed messages')
        .argParser(shareOption)
        .default(DEFAULT_MALFORMED_SHARE),
    )
    .action(async (options: DemoOptions) => {
      await runDemo(options, io);
    });

  program
    .command('run')
    .description('run the fleet saved in a state file')
    .addOption(new Option('--state <file>', 'state file written by `demo`').makeOptionMandatory())
    .addOption(new Option('--mqtt-url <url>', 'MQTT broker URL').argParser(urlOption).makeOptionMandatory())
    .addOption(
      new Option('--speed <x>', 'scenario time runs x times faster').argParser(speedOption).default(1),
    )
    .addOption(
      new Option('--malformed-share <p>', 'share of deliberately malformed messages')
        .argParser(shareOption)
        .default(DEFAULT_MALFORMED_SHARE),
    )
    .action(async (options: RunOptions) => {
      await runFromState(options, io);
    });

  return program;
}

export async function runDemo(options: DemoOptions, io: CliIo): Promise<FleetStats | null> {
  const api = new VigilApiClient(options.apiUrl, io.fetchImpl);
  const previous = await readState(options.state);
  const seed = options.seed ?? previous?.seed ?? 1;
  await signInWhenReady(api, options.username, options.password, io.signal);
  let clinician: VigilApiClient | undefined;
  if (options.clinicianUsername && options.clinicianPassword) {
    clinician = new VigilApiClient(options.apiUrl, io.fetchImpl);
    await clinician.login(options.clinicianUsername, options.clinicianPassword);
  }
  const { state } = await provisionDemo({
    api,
    clinician,
    apiUrl: options.apiUrl,
    patients: options.patients,
    wards: options.wards,
    seed,
    previous,
    save: (s) => writeState(options.state, s),
    log: (line) => io.stdout.write(`${line}\n`),
  });
  if (io.signal.aborted) return null;
  const fleet = new Fleet({
    mqttUrl: options.mqttUrl,
    devices: fleetDevicesFromState(state),
    patients: state.patients.length,
    speed: options.speed,
    malformedShare: options.malformedShare,
    connect: io.connect,
    onDeviceError: deviceErrorLogger(io),
  });
  return runFleet(fleet, io, async () => {
    const ids = new Set(fleet.deviceIds);
    const letters = await api.listDeadLetters({ limit: 1000 });
    fleet.setDeadLettered(letters.filter((l) => l.deviceId !== null && ids.has(l.deviceId)).length);
  });
}

export async function runFromState(options: RunOptions, io: CliIo): Promise<FleetStats | null> {
  const state = await readState(options.state);
  if (!state) throw new Error(`state file ${options.state} does not exist: run \`demo\` first`);
  const fleet = new Fleet({
    mqttUrl: options.mqttUrl,
    devices: fleetDevicesFromState(state),
    patients: state.patients.length,
    speed: options.speed,
    malformedShare: options.malformedShare,
    connect: io.connect,
    onDeviceError: deviceErrorLogger(io),
  });
  return runFleet(fleet, io, null);
}

/** Runs the fleet until the signal aborts, then stops it cleanly; returns the final counts. */
async function runFleet(
  fleet: Fleet,
  io: CliIo,
  pollDeadLetters: (() => Promise<void>) | null,
): Promise<FleetStats | null> {
  if (io.signal.aborted) return null;
  const aborted = new Promise<void>((resolve) =>
    io.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const { devices, patients } = fleet.stats();
  io.stdout.write(
    `starting ${devices} simulated devices for ${patients} patients (stop with Ctrl-C or SIGTERM)\n`,
  );
  const progress = startProgress(io.stdout, () => fleet.stats(), {
    plainIntervalMs: io.plainProgressIntervalMs,
  });
  let poller: NodeJS.Timeout | null = null;
  if (pollDeadLetters) {
    let warned = false;
    const poll = () =>
      pollDeadLetters().catch((error: unknown) => {
        if (!warned) io.stderr.write(`dead-letter count unavailable: ${(error as Error).message}\n`);
        warned = true;
      });
    poller = setInterval(() => void poll(), io.deadLetterPollMs ?? 15_000);
  }
  try {
    await Promise.race([fleet.start(), aborted]);
    await aborted;
  } finally {
    if (poller) clearInterval(poller);
    await fleet.stop();
    progress.stop();
  }
  return fleet.stats();
}

/**
 * Signs in, waiting for an API that is still starting (the embedded runtime may spawn the demo while
 * it is coming up). Only "cannot connect" is retried; a wrong password fails at once.
 */
async function signInWhenReady(
  api: VigilApiClient,
  username: string,
  password: string,
  signal: AbortSignal,
  attempts = 30,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await api.login(username, password);
      return;
    } catch (error) {
      // fetch rejects with a TypeError ("fetch failed") when nothing listens yet. Compared by name: the
      // error may come from another realm (a test runner's sandbox), where instanceof is false.
      const unreachable =
        typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TypeError';
      if (!unreachable || attempt >= attempts || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function deviceErrorLogger(io: CliIo): (deviceId: string, error: Error) => void {
  const reported = new Set<string>();
  return (deviceId, error) => {
    // Once per device: a device refused by the broker retries every few seconds and would flood the log.
    if (reported.has(deviceId)) return;
    reported.add(deviceId);
    io.stderr.write(`device ${deviceId}: ${error.message}\n`);
  };
}
