import 'reflect-metadata';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, parseEnv, type VigilEnv } from '@vigil/config';
import { type DemoFleet, startDemoFleet } from './demo/demo-fleet';
import {
  type EmbeddedPostgres,
  EmbeddedPostgresUnavailable,
  startEmbeddedPostgres,
} from './embedded/embedded-postgres.client';
import { runtimeFile } from './runtime-file';
import { type RunningVigil, startVigil, vigilOptionsFromEnv } from './start-vigil';

const USAGE =
  'usage: npm start [-- --no-demo]   (configuration: environment variables, see docs/operations.md)';
const log = (line: string) => console.log(`vigil: ${line}`);

/** `npm start`: the whole platform in this one process, with the embedded parts for what is not configured. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== '--no-demo');
  if (unknown.length) {
    console.error(`vigil: unknown argument ${unknown.join(' ')}\n${USAGE}`);
    process.exit(2);
  }
  let env: VigilEnv;
  try {
    env = parseEnv();
  } catch (error) {
    console.error(error instanceof ConfigError ? `vigil: ${error.message}` : error);
    process.exit(2);
  }
  // Known demo passwords never go into a real database unless asked for (DEMO=true).
  const demo = (env.DEMO ?? !env.DATABASE_URL) && !args.includes('--no-demo');
  const rootDir = process.cwd();
  const stateDir = path.resolve(rootDir, env.VIGIL_DATA_DIR);

  let postgres: EmbeddedPostgres | null = null;
  let vigil: RunningVigil | null = null;
  let fleet: DemoFleet | null = null;
  let shuttingDown = false;
  let wroteRuntimeFile = false;

  const shutdown = async (reason: string, code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`stopping (${reason})…`);
    await fleet?.stop();
    await vigil?.stop();
    await postgres?.stop();
    // Only our own: a second instance that failed to start must not erase the running one's file.
    if (wroteRuntimeFile) await rm(runtimeFile(stateDir), { force: true });
    log('stopped');
    // Everything this process started is gone; exit rather than wait for a library's stray timer.
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (shuttingDown) {
        log('second signal: exiting now');
        process.exit(1);
      }
      void shutdown(signal, 0);
    });
  }

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log('starting the embedded PostgreSQL…');
      postgres = await startEmbeddedPostgres({
        stateDir,
        port: env.EMBEDDED_POSTGRES_PORT,
        sharedDir: env.EMBEDDED_POSTGRES_SHARED_DIR,
        log,
      });
      databaseUrl = postgres.url;
      log(
        `embedded PostgreSQL on 127.0.0.1:${postgres.port} (data in ${displayPath(rootDir, postgres.dataDir)})`,
      );
    }
    if (shuttingDown) return;
    vigil = await startVigil({
      ...vigilOptionsFromEnv(env, databaseUrl),
      consoleDir: path.resolve(rootDir, env.CONSOLE_DIR),
      demo,
    });
    await mkdir(stateDir, { recursive: true });
    await writeFile(
      runtimeFile(stateDir),
      JSON.stringify({ pid: process.pid, httpUrl: vigil.httpUrl, mqttUrl: vigil.mqttUrl }, null, 2),
    );
    wroteRuntimeFile = true;
  } catch (error) {
    if (error instanceof EmbeddedPostgresUnavailable) {
      // A machine that cannot run it as it is: one line saying why and what to do, no stack trace.
      console.error(`vigil: cannot start the embedded PostgreSQL: ${error.message}`);
      await shutdown('start-up failed', 1);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const hint = /EADDRINUSE/.test(message)
      ? ' (another program uses that port: set PORT to another one)'
      : '';
    console.error(`vigil: could not start: ${message}${hint}`);
    await shutdown('start-up failed', 1);
    return;
  }
  if (shuttingDown) return;

  const consoleUrl = vigil.httpUrl.replace('//127.0.0.1:', '//localhost:');
  const lines = [
    '',
    vigil.consoleServed
      ? `Open the console: ${consoleUrl}`
      : `The console is not built (${env.CONSOLE_DIR}): the api runs at ${consoleUrl}/api`,
    vigil.mqttPort !== null
      ? `Embedded MQTT broker: ${vigil.mqttUrl} (port ${vigil.mqttPort}${vigil.mqttPort === env.MQTT_PORT || env.MQTT_PORT === 0 ? '' : `; ${env.MQTT_PORT} was taken`})`
      : `MQTT broker: ${vigil.mqttUrl}`,
    `Health: ${consoleUrl}/api/health   Metrics: ${consoleUrl}/metrics`,
  ];
  if (vigil.demo) {
    lines.push('Demo sign-ins (demo only; change or disable them before real use):');
    for (const account of vigil.demo.accounts) {
      lines.push(`  ${account.role.padEnd(12)} ${account.username.padEnd(20)} password ${account.password}`);
    }
  }
  lines.push('Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));

  if (vigil.demo) {
    fleet = startDemoFleet({
      rootDir,
      apiUrl: vigil.httpUrl,
      mqttUrl: vigil.mqttUrl,
      username: vigil.demo.admin.username,
      password: vigil.demo.admin.password,
      clinician: vigil.demo.accounts.find((a) => a.role === 'clinician'),
      patients: env.DEMO_PATIENTS,
      stateFile: path.join(stateDir, 'demo-fleet.json'),
      log,
    });
  }
}

function displayPath(rootDir: string, target: string): string {
  const relative = path.relative(rootDir, target);
  return relative.startsWith('..') ? target : relative;
}

void main();
