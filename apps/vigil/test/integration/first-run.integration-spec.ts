import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@vigil/testing';
import { alive, ROOT, spawnVigil, start } from './support/vigil-process';

// Issue 12, "first run anywhere": `npm start` from a clone in a private (0700) folder — root's home,
// `mktemp -d` — and from a path with spaces. As root the embedded PostgreSQL runs as the system user
// `postgres`, which cannot enter a 0700 folder of root's: before the fix, initdb failed with EACCES and a
// stack trace. Each test lays out a clone (the built dist, node_modules hard-linked) in such a folder.
jest.setTimeout(240_000);

const isRoot = process.getuid?.() === 0;

interface Clone {
  dir: string;
  stateDir: string;
}

async function cloneInto(parent: string, name: string): Promise<Clone> {
  const dir = path.join(parent, name);
  await mkdir(dir, { recursive: true });
  // Hard links: the same files, reached through this folder's path (and its permissions).
  execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  execFileSync('cp', ['-r', path.join(ROOT, 'dist'), path.join(dir, 'dist')]);
  return { dir, stateDir: path.join(dir, '.vigil') };
}

async function stopPostgres(dataDir: string): Promise<void> {
  const pid = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (pid && alive(Number(pid.split('\n')[0]))) process.kill(Number(pid.split('\n')[0]), 'SIGINT');
}

describe('first run anywhere (npm start from dist/apps/vigil/src/main.js)', () => {
  let privateDir: string;
  let openDir: string;
  let sharedDir: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'warn',
    EMBEDDED_POSTGRES_SHARED_DIR: sharedDir,
    ...extra,
  });
  const dataDirs: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tools/build.mjs'), '--quiet'], { cwd: ROOT });
    // mkdtemp makes 0700 folders: `privateDir` stays so, the others are opened up.
    privateDir = await mkdtemp(path.join(tmpdir(), 'vigil first run '));
    openDir = await mkdtemp(path.join(tmpdir(), 'vigil open run '));
    await chmod(openDir, 0o755);
    sharedDir = await mkdtemp(path.join(tmpdir(), 'vigil-shared-'));
    await chmod(sharedDir, 0o755);
  });

  afterAll(async () => {
    for (const dir of dataDirs) await stopPostgres(dir);
    for (const dir of [privateDir, openDir, sharedDir]) await rm(dir, { recursive: true, force: true });
  });

  it('starts from a clone in a 0700 folder whose path has spaces, and reuses its data on a second start', async () => {
    const clone = await cloneInto(privateDir, 'my clone');
    const pgPort = await freePort();
    const first = await start(
      env({ EMBEDDED_POSTGRES_PORT: String(pgPort) }),
      ['--no-demo'],
      clone.dir,
      clone.dir,
    );
    dataDirs.push(path.join(clone.stateDir, 'postgres'));
    expect((await fetch(`${first.httpUrl}/api/health`)).status).toBe(200);
    expect(first.output()).toContain('creating a new cluster');
    expect(first.output()).not.toMatch(/EACCES|\n\s+at /);
    const link = await lstat(path.join(clone.stateDir, 'postgres'));
    if (isRoot) {
      // The `postgres` user cannot enter the clone: runtime and cluster live in the shared folder.
      expect(first.output()).toContain(`the cluster lives in ${sharedDir}`);
      expect(link.isSymbolicLink()).toBe(true);
      expect(await readlink(path.join(clone.stateDir, 'postgres'))).toContain(
        path.join(sharedDir, 'clusters'),
      );
    } else {
      expect(link.isDirectory()).toBe(true);
    }
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    if (isRoot) {
      // The staged runtime is shared by every clone: its link to pg as a clone since deleted would leave it.
      const [version] = await readdir(path.join(sharedDir, 'runtime'));
      const pgLink = path.join(sharedDir, 'runtime', version, 'node_modules/pg');
      await rm(pgLink);
      await symlink(path.join(privateDir, 'a deleted clone/node_modules/pg'), pgLink, 'dir');
    }

    const second = await start(
      env({ EMBEDDED_POSTGRES_PORT: String(pgPort) }),
      ['--no-demo'],
      clone.dir,
      clone.dir,
    );
    expect(second.output()).not.toContain('creating a new cluster');
    expect((await fetch(`${second.httpUrl}/api/health`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('starts from a path with spaces that the postgres user can reach, keeping the cluster in the clone', async () => {
    const clone = await cloneInto(openDir, 'clone with spaces');
    await chmod(clone.dir, 0o755);
    const pgPort = await freePort();
    const running = await start(
      env({ EMBEDDED_POSTGRES_PORT: String(pgPort) }),
      ['--no-demo'],
      clone.dir,
      clone.dir,
    );
    dataDirs.push(path.join(clone.stateDir, 'postgres'));
    expect((await fetch(`${running.httpUrl}/api/health`)).status).toBe(200);
    expect((await lstat(path.join(clone.stateDir, 'postgres'))).isDirectory()).toBe(true);
    expect(await readFile(path.join(clone.stateDir, 'postgres/PG_VERSION'), 'utf8')).toMatch(/^\d+/);
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
  });

  it('where it cannot work (as root, no folder the postgres user can reach), stops with one line saying why and what to do', async () => {
    const clone = await cloneInto(privateDir, 'nowhere to go');
    const pgPort = await freePort();
    // The shared folder is inside the private one, so the `postgres` user cannot reach it either.
    const unreachable = path.join(privateDir, 'shared');
    const vigilEnv = env({
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      EMBEDDED_POSTGRES_SHARED_DIR: unreachable,
    });
    dataDirs.push(path.join(clone.stateDir, 'postgres'));
    if (!isRoot) {
      // Not root: PostgreSQL runs as this user, which reaches its own private folder; nothing to refuse.
      const running = await start(vigilEnv, ['--no-demo'], clone.dir, clone.dir);
      running.child.kill('SIGINT');
      expect(await running.exit).toBe(0);
      return;
    }
    const run = spawnVigil(vigilEnv, ['--no-demo'], clone.dir, clone.dir);
    expect(await run.exit).toBe(1);
    const errors = run
      .output()
      .split('\n')
      .filter((line) => line.startsWith('vigil: cannot start'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/user "postgres".* cannot reach .*EMBEDDED_POSTGRES_SHARED_DIR.*DATABASE_URL/);
    expect(run.output()).not.toMatch(/\n\s+at |EACCES/);
  });
});
