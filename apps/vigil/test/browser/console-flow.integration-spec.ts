/**
 * Browser end-to-end for the clinician console against the whole system (startVigil): real PostgreSQL,
 * the embedded MQTT broker, the built console, headless Debian chromium via playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import mqtt from 'mqtt';
import { chromium, type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { mqttTopics } from '@vigil/contracts';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type RunningVigil, startVigil } from '../../src/start-vigil';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

jest.setTimeout(240_000);

/** Axe violations as short, readable lines (rule, impact, the offending elements). */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
}

describe('console in a browser (HZ-02, HZ-06, WCAG 2.2 AA)', () => {
  let db: TestDatabase;
  let consoleDir: string;
  let vigil: RunningVigil;
  let browser: Browser;
  let page: Page;
  const scanned: Record<string, string[]> = {};
  const pageErrors: string[] = [];
  // The console runs under the api's Content Security Policy (issue 12, D4): any violation is a failure.
  const cspViolations: string[] = [];
  // The live socket passes through a route so the test can cut it (HZ-06) and let it come back.
  const liveSockets: WebSocketRoute[] = [];
  let socketBlocked = false;

  async function scan(screen: string): Promise<void> {
    // Let the page settle (fonts, queries) before judging it.
    await page.waitForLoadState('networkidle').catch(() => undefined);
    scanned[screen] = await axeViolations(page);
  }

  async function signIn(username: string, password: string): Promise<void> {
    await page.goto(`${vigil.httpUrl}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    consoleDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-build-'));
    // Build into a private folder so a parallel `npm run build:console` never races this test.
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/console/vite.config.ts',
        '--outDir',
        consoleDir,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
        env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      },
    );
    db = await createTestDatabase('vigil_browser');
    vigil = await startVigil({
      databaseUrl: db.url,
      httpPort: 0,
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir,
      demo: true,
      scorerTimerIntervalMs: 3_600_000,
      heartbeatIntervalMs: 1_000,
      logLevel: 'silent',
    });
    expect(vigil.consoleServed).toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // No internet here: the NHS web fonts are not fetched, the system fallback is used.
    await context.route('https://assets.nhs.uk/**', (route) => route.abort());
    await context.routeWebSocket(/\/socket\.io\//, async (ws) => {
      if (socketBlocked) return ws.close();
      ws.connectToServer();
      liveSockets.push(ws);
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.stop();
    await db?.drop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('the axe scan used here does report violations (so an empty result means something)', async () => {
    const scratchContext = await browser.newContext();
    const scratch = await scratchContext.newPage();
    try {
      await scratch.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
      const violations = await new AxeBuilder({ page: scratch }).withTags(AXE_TAGS).analyze();
      expect(violations.violations.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'label']));
    } finally {
      await scratchContext.close();
    }
  });

  it('HZ-02 HZ-06 admin admits a patient, provisions and binds a device; a reading raises a live, announced alert that goes nurse → CCC → resolved', async () => {
    const admin = vigil.demo!.accounts.find((a) => a.role === 'admin')!;
    const nurse = vigil.demo!.accounts.find((a) => a.username === 'nurse.respiratory')!;
    const coordinator = vigil.demo!.accounts.find((a) => a.role === 'coordinator')!;

    // Signed out: every route leads to the sign-in page.
    const first = await page.goto(`${vigil.httpUrl}/`);
    expect(first?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor();
    await scan('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Enter your username' }).waitFor();
    await scan('sign-in with errors');

    // --- Admin: admit (client-side NHS number check first), provision, bind.
    await signIn(admin.username, admin.password);
    await page.getByRole('link', { name: 'Patients', exact: true }).click();
    await page.getByRole('heading', { name: 'Admit a patient' }).waitFor();
    await page.getByLabel('NHS number').fill('943 476 5918');
    await page.getByLabel('Given name').fill('Ada');
    await page.getByLabel('Family name').fill('Lovelace');
    // The ward of the nurse who signs in below (demo: nurse.respiratory).
    await page.locator('#admit-ward').selectOption(vigil.demo!.wardIds[0]!);
    await page.getByRole('button', { name: 'Admit patient' }).click();
    await page
      .getByRole('link', { name: 'Enter a valid NHS number: 10 digits, like 943 476 5919' })
      .waitFor();
    await scan('admin patients with errors');
    await page.getByLabel('NHS number').fill('943 476 5919');
    await page.getByRole('button', { name: 'Admit patient' }).click();
    await page.getByRole('status').filter({ hasText: 'Patient admitted.' }).waitFor();
    await page.getByRole('cell', { name: '943 476 5919' }).waitFor();
    // The server refuses a second admission of the same NHS number, and the console shows its words.
    await page.getByLabel('NHS number').fill('9434765919');
    await page.getByLabel('Given name').fill('Ada');
    await page.getByLabel('Family name').fill('Lovelace');
    await page.getByRole('button', { name: 'Admit patient' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    await scan('admin patients');

    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByLabel('Kind').selectOption('pulse-oximeter');
    await page.getByRole('button', { name: 'Provision device' }).click();
    await page.getByTestId('provisioned-secret').waitFor();
    const deviceId = (await page.getByTestId('provisioned-id').textContent())!.trim();
    const secret = (await page.getByTestId('provisioned-secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(10);
    await page
      .getByLabel(`Bind device ${deviceId} to`)
      .selectOption({ label: 'LOVELACE, Ada – 943 476 5919' });
    await page.getByRole('button', { name: `Bind device ${deviceId}` }).click();
    await page.getByRole('button', { name: `Unbind device ${deviceId}` }).waitFor();
    await scan('admin devices');

    for (const [link, heading] of [
      ['Wards', 'Wards'],
      ['Users', 'Users'],
      ['Dead letters', 'Dead letters'],
      ['Status', 'System status'],
      ['CCC queue', 'Clinical Coordination Centre queue'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await scan(`admin ${link}`);
    }
    await signOut();

    // --- Nurse: empty queue, then a device reading makes an alert arrive live.
    await signIn(nurse.username, nurse.password);
    await page.getByTestId('triage-empty').waitFor();
    // The live socket is up, so the "data may be out of date" banner goes away (HZ-06).
    await page.getByTestId('socket-down').waitFor({ state: 'detached' });
    // Keyboard path: the first Tab reaches the skip link, which moves focus to the main content.
    await page.reload();
    await page.getByTestId('triage-empty').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to main content');
    await page.keyboard.press('Enter');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('maincontent');
    await page.getByTestId('socket-down').waitFor({ state: 'detached' });
    // HZ-06: when the live connection drops, a banner says the data may be out of date; it goes when it is back.
    socketBlocked = true;
    await Promise.all(liveSockets.splice(0).map((ws) => ws.close()));
    await page.getByTestId('socket-down').filter({ hasText: 'The live connection is down' }).waitFor();
    await scan('triage queue, live connection down');
    socketBlocked = false;
    await page.getByTestId('socket-down').waitFor({ state: 'detached', timeout: 30_000 });

    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: deviceId,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      // Measured now: a reading from before the binding would be (rightly) dead-lettered as unbound.
      const measuredAt = new Date().toISOString();
      await client.publishAsync(
        mqttTopics.readings(deviceId),
        JSON.stringify({
          v: 1,
          deviceId,
          seq: 1,
          sentAt: new Date().toISOString(),
          measurements: [
            { type: 'spo2', value: 88, unit: '%', measuredAt },
            { type: 'heartRate', value: 135, unit: '/min', measuredAt },
          ],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }

    const row = page.getByTestId('triage-row').first();
    await row.waitFor({ timeout: 30_000 });
    // HZ-02: the new alert is announced in the assertive live region.
    await page.getByTestId('live-region').filter({ hasText: 'New alert' }).waitFor({ state: 'attached' });
    await expect(page.getByTestId('live-region').getAttribute('aria-live')).resolves.toBe('assertive');
    await expect(row.textContent()).resolves.toContain('943 476 5919');
    // A partial score is marked as partial and never shown with a band word.
    await expect(row.textContent()).resolves.toContain('Partial');
    // R10: SpO2 88% (3) and pulse 135 (3): at least 6, medium, and it keeps its band colour (not grey).
    await expect(
      row.locator('.nhsuk-tag--orange').filter({ hasText: 'NEWS2 at least 6 – partial' }).count(),
    ).resolves.toBe(1);
    // One row per clinical problem: its reasons are listed.
    await expect(row.getByTestId('alert-reasons').locator('li').count()).resolves.toBeGreaterThan(0);
    await expect(row.getByTestId('reading-age').textContent()).resolves.toMatch(/ago|just now/);
    await scan('triage queue');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'triage-queue.png'), fullPage: false });

    await row.getByRole('link', { name: 'LOVELACE, Ada', exact: true }).click();
    await page.getByTestId('rcp-chart').waitFor();
    await expect(page.getByTestId('banner-nhs-number').textContent()).resolves.toBe('943 476 5919');
    await expect(page.getByTestId('rcp-chart').textContent()).resolves.toContain('135');
    // A manual observation goes through the api and the stream and lands in the chart's respiration row.
    await page.getByLabel('Respiration rate (breaths per minute)').fill('24');
    await page.getByLabel('A – Alert').check();
    await page.getByLabel('Air', { exact: true }).check();
    await page.getByRole('button', { name: 'Save observations' }).click();
    await page.getByRole('status').filter({ hasText: 'Observations saved.' }).waitFor();
    await page
      .getByTestId('rcp-chart')
      .getByRole('row')
      .filter({ hasText: 'Respirations' })
      .filter({ hasText: '24' })
      .waitFor({ timeout: 30_000 });
    await scan('patient view');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'patient-view.png'), fullPage: false });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'patient-view-full.png'), fullPage: true });

    await page.goBack();
    await page
      .getByTestId('triage-row')
      .first()
      .getByRole('link', { name: /View alert/ })
      .click();
    // R3: respiration 24 (2) on air, alert, makes it at least 8, high: no Snooze is offered.
    await page.getByTestId('no-snooze').filter({ hasText: 'A high alert cannot be snoozed' }).waitFor({
      timeout: 30_000,
    });
    await expect(page.locator('#snooze-minutes').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('alert-state').filter({ hasText: 'Acknowledged' }).waitFor();
    // Resolving without a note is refused with an NHS error message, before anything is sent.
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await page
      .locator('#resolution-note-error')
      .filter({ hasText: 'Enter a note saying how the alert was resolved' })
      .waitFor();
    await scan('alert with errors');
    await page
      .getByLabel('Reason for escalation')
      .fill('NEWS2 at least 6 with SpO2 88%: needs review by the CCC');
    await page.getByRole('button', { name: 'Escalate to CCC' }).click();
    await page.getByTestId('alert-state').filter({ hasText: 'Escalated to CCC' }).waitFor();
    await scan('alert escalated');
    const alertUrl = page.url();
    await signOut();

    // --- Coordinator: the escalated case is in the CCC queue; take ownership; resolve with a note.
    await signIn(coordinator.username, coordinator.password);
    const cccRow = page.getByTestId('ccc-row').first();
    await cccRow.waitFor();
    await expect(cccRow.getByTestId('escalated-age').textContent()).resolves.toMatch(
      /Escalated (just now|\d+ min ago)/,
    );
    await scan('ccc queue');
    await cccRow.getByRole('button', { name: /Take ownership/ }).click();
    await cccRow.getByText('You own this').waitFor();
    await cccRow.getByRole('link', { name: /Open alert/ }).click();
    expect(page.url()).toBe(alertUrl);
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await page.locator('#resolution-note-error').waitFor();
    await page
      .getByLabel('Resolution note')
      .fill('Phoned patient; probe reseated, repeat SpO2 95%. Plan agreed.');
    // Issue 13: every resolution records an outcome.
    await page.getByLabel('Outcome').selectOption('advice-given');
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await page.getByText('This alert is resolved.').waitFor();
    await scan('alert resolved');
    await page.getByRole('link', { name: 'CCC queue' }).click();
    await page.getByTestId('ccc-empty').waitFor();
    await signOut();

    // --- Clinician: N1 records the oxygen prescription (reason required); R14 discharges with open alerts
    // only by handing them over with a note.
    const clinician = vigil.demo!.accounts.find((a) => a.role === 'clinician')!;
    await signIn(clinician.username, clinician.password);
    const again = await mqtt.connectAsync(vigil.mqttUrl, {
      username: deviceId,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const measuredAt = new Date().toISOString();
      await again.publishAsync(
        mqttTopics.readings(deviceId),
        JSON.stringify({
          v: 1,
          deviceId,
          seq: 2,
          sentAt: new Date().toISOString(),
          measurements: [
            { type: 'spo2', value: 86, unit: '%', measuredAt },
            { type: 'heartRate', value: 138, unit: '/min', measuredAt },
          ],
        }),
        { qos: 1 },
      );
    } finally {
      await again.endAsync();
    }
    const reopened = page.getByTestId('triage-row').first();
    await reopened.waitFor({ timeout: 30_000 });
    await reopened.getByRole('link', { name: 'LOVELACE, Ada', exact: true }).click();
    await page.getByTestId('oxygen-prescription').filter({ hasText: 'Not recorded' }).waitFor();
    await page.getByLabel('On oxygen', { exact: true }).check();
    await page.getByRole('button', { name: 'Save oxygen prescription' }).click();
    await page.locator('#oxygen-prescription-reason-error').filter({ hasText: 'Enter why' }).waitFor();
    await page.locator('#oxygen-prescription-reason').fill('Home oxygen 2 L/min via nasal cannula');
    await page.getByRole('button', { name: 'Save oxygen prescription' }).click();
    await page.getByTestId('oxygen-prescription').filter({ hasText: 'On oxygen (prescribed)' }).waitFor();
    await scan('patient view, clinician settings');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'patient-view-clinician.png'), fullPage: true });

    await page.getByRole('link', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Discharge LOVELACE, Ada' }).click();
    await page.getByTestId('discharge-blockers').locator('li').first().waitFor();
    await page.getByRole('button', { name: 'Hand over alerts and discharge' }).click();
    // The admin page uses the one pathway discharge: outcome, device return and, with open alerts (R14),
    // a handover note are each required.
    await page
      .locator('#discharge-handover--error-message')
      .filter({ hasText: 'Enter a handover note' })
      .waitFor();
    await page
      .locator('#discharge-outcome--error-message')
      .filter({ hasText: 'Select the outcome' })
      .waitFor();
    await scan('discharge with open alerts');
    await page.getByTestId('discharge-panel').screenshot({ path: path.join(SCREENSHOTS, 'discharge.png') });
    // The admin page's discharge is the pathway discharge now (issue 13): its screenshot goes with the docs.
    await page
      .getByTestId('discharge-panel')
      .screenshot({ path: path.join(REPO_ROOT, 'docs/images/admin-discharge.png') });
    await page.getByTestId('discharge-panel').getByLabel('Outcome').selectOption('admitted-to-hospital');
    await page.getByTestId('discharge-panel').getByLabel('Devices').selectOption('collection-booked');
    await page.getByLabel('Handover note').fill('Community respiratory team visits tomorrow; GP informed');
    await page.getByRole('button', { name: 'Hand over alerts and discharge' }).click();
    await page.getByRole('status').filter({ hasText: 'LOVELACE, Ada discharged.' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Outcome: Admitted to hospital' }).waitFor();
    await expect(page.getByTestId('admin-summary-encounter').textContent()).resolves.toMatch(
      /^[0-9a-f-]{36}$/,
    );
    await page.getByRole('link', { name: 'Triage queue', exact: true }).click();
    await page.getByTestId('triage-empty').waitFor();

    // Every screen visited passes axe (WCAG 2.0/2.1/2.2 A and AA).
    const failing = Object.fromEntries(Object.entries(scanned).filter(([, v]) => v.length > 0));
    expect(failing).toEqual({});
    expect(Object.keys(scanned).length).toBeGreaterThanOrEqual(17);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
