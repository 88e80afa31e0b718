import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '@vigil/testing';
import { chromium } from 'playwright-core';
import { embeddedPostgresUrl } from '../../src/embedded/embedded-postgres.client';
import { alive, portOpen, ROOT, type Started, start } from './support/vigil-process';

// The real `npm start` path, from the built dist: embedded PostgreSQL, embedded broker, one process.
jest.setTimeout(240_000);

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
      // A locator, not a string predicate: the console's CSP (no 'unsafe-eval') refuses string evaluation.
      // Counted, not `nth(2).waitFor()`: a row's visibility can flicker while the queue re-renders.
      const rows = page.locator('main tbody tr');
      // One row per clinical problem (a patient's band and red score are one alert), so the fleet's ward
      // shows fewer rows than before; a second alert arriving live is what this checks.
      for (let waited = 0; (await rows.count()) < 2 && waited < 120_000; waited += 2_000) {
        await page.waitForTimeout(2_000);
      }
      expect(await rows.count()).toBeGreaterThanOrEqual(2);
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
