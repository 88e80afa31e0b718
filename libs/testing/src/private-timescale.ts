import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto';

/** How a private cluster is configured for one start. */
export interface PrivateClusterSettings {
  /** `shared_preload_libraries = 'timescaledb'` (default true). */
  preload?: boolean;
  /** `timescaledb.license` (default: the build's own, `timescale`). `apache` emulates the Apache-only edition. */
  license?: 'apache' | 'timescale';
}

export interface PrivateTimescaleCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server, rewrites its settings and starts it again (same data, same port). */
  restart(settings: PrivateClusterSettings): Promise<void>;
  stop(): Promise<void>;
}

/** The private PostgreSQL 15 copy that ../shared/timescaledb/start-cluster.sh lays out, with TimescaleDB added. */
export function timescaleBinDir(): string {
  return join(process.env['TIMESCALE_HOME'] ?? '/var/lib/vigil-timescale', 'pg15/lib/postgresql/15/bin');
}

/**
 * A throwaway PostgreSQL 15 cluster on a free port, run from the TimescaleDB copy start-cluster.sh made, for
 * tests of what an operator can get wrong (the extension installed but not preloaded, the Apache-only edition)
 * without touching the shared cluster on 5433. Runs as the `postgres` user when the tests run as root.
 */
export async function startPrivateTimescaleCluster(
  settings: PrivateClusterSettings = {},
): Promise<PrivateTimescaleCluster> {
  const bin = timescaleBinDir();
  if (!existsSync(join(bin, 'postgres'))) {
    throw new Error(`${bin}/postgres is missing: run ../shared/timescaledb/start-cluster.sh once first`);
  }
  const root = process.getuid?.() === 0;
  const asPostgres = (command: string, args: string[]): void => {
    if (root) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  const data = join(dir, 'data');
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  const configure = (s: PrivateClusterSettings): void => {
    const lines = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      `timescaledb.telemetry_level = off`,
      `fsync = off`,
    ];
    if (s.preload ?? true) lines.push(`shared_preload_libraries = 'timescaledb'`);
    if (s.license) lines.push(`timescaledb.license = '${s.license}'`);
    // postgresql.auto.conf is read after postgresql.conf: the settings of this start, whole.
    writeFileSync(join(data, 'postgresql.auto.conf'), `${lines.join('\n')}\n`);
    if (root) execFileSync('chown', ['postgres', join(data, 'postgresql.auto.conf')]);
  };
  const pgCtl = (action: 'start' | 'stop'): void =>
    asPostgres(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-t',
      '60',
      ...(action === 'start' ? ['-l', join(dir, 'server.log'), 'start'] : ['-m', 'fast', 'stop']),
    ]);
  configure(settings);
  pgCtl('start');
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(next) {
      if (running) pgCtl('stop');
      running = false;
      configure(next);
      pgCtl('start');
      running = true;
    },
    async stop() {
      if (running) pgCtl('stop');
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
