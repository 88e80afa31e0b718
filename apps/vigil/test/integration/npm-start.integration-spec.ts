import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '@vigil/testing';
import { chromium } from 'playwright-core';
import { embeddedPostgresUrl } from '../../src/embedded/embedded-postgres.client';

// The real `npm start` path, from the built dist: embedded PostgreSQL, embedded broker, one process.
jest.setTimeout(240_000);

const ROOT = path.join(__dirname, '../../../..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  httpUrl: string;
  output: () => string;
  exit: Promise<number | null>;
}

async function start(env: NodeJS.ProcessEnv, args: string[] = ['--no-demo']): Promise<Started> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/vigil/src/main.js'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /(?:Open the console: |the api runs at )(http:\/\/localhost:\d+)/.exec(output);
    if (match)
      return { child, httpUrl: match[1].replace('localhost', '127.0.0.1'), output: () => output, exit };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`vigil did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start (dist/apps/vigil/src/main.js)', () => {
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let pgPort: number;
  let running: Started | null = null;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tools/build.mjs'), '--quiet'], { cwd: ROOT });
    stateDir = await mkdtemp(path.join(tmpdir(), 'vigil-start-'));
    // As root the embedded PostgreSQL runs as the `postgres` user, which must be able to reach its folder.
    await chmod(stateDir, 0o755);
    pgPort = await freePort();
    env = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      VIGIL_DATA_DIR: stateDir,
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      PORT: '0',
      MQTT_PORT: '0',
      CONSOLE_DIR: path.join(stateDir, 'no-console'),
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exit;
    }
    const pid = await readFile(path.join(stateDir, 'postgres/postmaster.pid'), 'utf8').catch(() => null);
    if (pid && alive(Number(pid.split('\n')[0]))) process.kill(Number(pid.split('\n')[0]), 'SIGINT');
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts with an embedded PostgreSQL, answers /api/health, and stops everything on SIGINT', async () => {
    running = await start(env);
    const health = await fetch(`${running.httpUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(running.output()).toMatch(/Embedded MQTT broker: mqtt:\/\/127\.0\.0\.1:\d+/);

    const url = await embeddedPostgresUrl(stateDir, pgPort);
    const client = new Client({ connectionString: url! });
    await client.connect();
    await client.query(`INSERT INTO wards (name) VALUES ('Kept between runs')`);
    await client.end();
    const postgresPid = Number(
      (await readFile(path.join(stateDir, 'postgres/postmaster.pid'), 'utf8')).split('\n')[0],
    );
    const httpPort = Number(new URL(running.httpUrl).port);

    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
    expect(running.output()).toContain('vigil: stopped');
    expect(alive(postgresPid)).toBe(false);
    expect(await portOpen(httpPort)).toBe(false);
    expect(await portOpen(pgPort)).toBe(false);
  });

  it('reuses the data on a second start, and stops on SIGTERM', async () => {
    running = await start(env);
    expect(running.output()).not.toContain('creating a new cluster');
    const client = new Client({ connectionString: (await embeddedPostgresUrl(stateDir, pgPort))! });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT name FROM wards WHERE name = 'Kept between runs'`,
    );
    await client.end();
    expect(rows).toEqual([{ name: 'Kept between runs' }]);

    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    expect(await portOpen(pgPort)).toBe(false);
  });

  it("with the demo on, a nurse signs in, sees the ward fill and a deteriorating patient's alert arrive", async () => {
    // The newcomer's path (issue: one command): the demo fleet runs as a child process, admits patients
    // over the REST API and publishes over MQTT; the console is the real Vite build.
    const consoleDir = path.join(stateDir, 'console');
    execFileSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/console/vite.config.ts',
        '--outDir',
        consoleDir,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: ROOT },
    );
    running = await start({ ...env, CONSOLE_DIR: consoleDir }, []);
    const password = /nurse\.respiratory\s+password (\S+)/.exec(running.output())?.[1];
    expect(password).toBeDefined();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(`${running.httpUrl}/sign-in`);
      await page.getByLabel('Username').fill('nurse.respiratory');
      await page.getByLabel('Password').fill(password!);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
      // A deteriorating patient crosses into the medium or high NEWS2 band within about a minute, and
      // the queue shows it without a reload (socket notification → refetch).
      const deteriorating = page
        .locator('tbody tr')
        .filter({ hasText: /NEWS2 (at least )?\d+ \((medium|high) band\)/ })
        .first();
      await deteriorating.waitFor({ timeout: 120_000 });
      // The ward fills: more of the fleet's scenarios (a fall, other deteriorating patients) arrive live.
      await page.waitForFunction("document.querySelectorAll('tbody tr').length >= 3", undefined, {
        timeout: 120_000,
      });
    } finally {
      await browser.close();
    }
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
    // The fleet was a child of the runtime: nothing of it may outlive the stop.
    expect(running.output()).toContain('vigil: stopped');
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(stateDir);
  });
});
