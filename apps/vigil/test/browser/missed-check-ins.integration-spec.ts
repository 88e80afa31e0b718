/**
 * Issue 14 §3 in a browser: the named care coordinator sees a newly missed SMI check-in arrive live (the
 * socket gateway, no reload, a badge in the header and an announcement), records a contact that keeps it open
 * ("no answer"), then one that closes it — audited (HZ-44, HZ-66). The whole system (startVigil: real
 * PostgreSQL, the api's SMI timer code, the built console), Debian chromium, axe (WCAG 2.2 AA).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SmiService } from '@vigil/api';
import { PatientsRepository, UsersRepository } from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type RunningVigil, startVigil } from '../../src/start-vigil';
import {
  axeViolations,
  buildConsole,
  CHROMIUM,
  freePort,
  launchChromium,
  REPO_ROOT,
} from './support/browser';

const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts/screenshots');
const PASSWORD = 'correct horse battery staple';

jest.setTimeout(300_000);

describe('missed SMI check-ins in a browser (issue 14, HZ-44, HZ-66, WCAG 2.2 AA)', () => {
  let db: TestDatabase;
  let consoleDir: string;
  let vigil: RunningVigil;
  let browser: Browser;
  let page: Page;
  let patientId: string;
  let coordinatorId: string;

  async function signIn(username: string): Promise<void> {
    await page.goto(`${vigil.httpUrl}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    consoleDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-build-'));
    buildConsole(consoleDir);
    db = await createTestDatabase('vigil_missed_check_ins');
    const httpPort = await freePort();
    vigil = await startVigil({
      databaseUrl: db.url,
      httpPort,
      httpHost: '127.0.0.1',
      allowedOrigins: [`http://127.0.0.1:${httpPort}`],
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir,
      demo: false,
      logLevel: 'silent',
    });
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Community mental health virtual ward');
    const users = new UsersRepository(vigil.dataSource);
    await users.create({
      username: 'clinician.smi',
      displayName: 'Dr Clinician',
      role: 'clinician',
      wardIds: [ward.id],
      password: PASSWORD,
    });
    // The named care coordinator: a community mental health nurse on no virtual ward of their own.
    coordinatorId = (
      await users.create({
        username: 'coordinator.sam',
        displayName: 'Sam Rivers',
        role: 'nurse',
        wardIds: [],
        password: PASSWORD,
      })
    ).id;
    patientId = (
      await patients.admit({
        nhsNumber: '9434765870',
        givenName: 'Morgan',
        familyName: 'Reed',
        wardId: ward.id,
      })
    ).id;

    const login = await fetch(`${vigil.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: vigil.httpUrl },
      body: JSON.stringify({ username: 'clinician.smi', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const plan = await fetch(`${vigil.httpUrl}/api/patients/${patientId}/smi-plan`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json', origin: vigil.httpUrl },
      body: JSON.stringify({
        coordinatorName: 'Sam Rivers (CMHT)',
        coordinatorContact: '01632 960 123',
        coordinatorUserId: coordinatorId,
      }),
    });
    expect(plan.status).toBe(200);
    // The plan started ten days ago and nothing has been sent since: the first weekly check-in is missed.
    await vigil.dataSource.query(
      `UPDATE smi_plans SET started_at = now() - interval '10 days' WHERE patient_id = $1`,
      [patientId],
    );

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('https://assets.nhs.uk/**', (route) => route.abort());
    page = await context.newPage();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.stop();
    await db?.drop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('HZ-66 a newly missed check-in reaches the named coordinator live; "no answer" keeps it, reaching them closes it, audited', async () => {
    await signIn('coordinator.sam');
    await page.getByRole('link', { name: 'Missed check-ins' }).click();
    await page.getByRole('heading', { name: 'Missed check-ins', level: 1 }).waitFor();
    await page.getByTestId('missed-none').waitFor();
    expect(await page.getByTestId('missed-badge').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // The api's timer finds the missed check-in (the code its one-minute timer runs); no reload after this.
    expect(await vigil.app.get(SmiService).checkMissed()).toBe(1);
    const row = page.getByTestId('missed-row').filter({ hasText: 'Morgan Reed' });
    await row.waitFor({ timeout: 30_000 });
    await page.getByTestId('missed-badge').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('live-region').filter({ hasText: 'A new missed check-in has come in.' }).waitFor();
    await expect(row.textContent()).resolves.toMatch(/Yours/);
    await expect(row.textContent()).resolves.toContain('01632 960 123');
    await expect(row.getByTestId('last-contact').textContent()).resolves.toBe('None recorded');
    expect(await axeViolations(page)).toEqual([]);

    // An outcome is required, and the error names the person.
    await row.getByRole('button', { name: 'Record contact with Morgan Reed' }).click();
    await row.getByText('Choose what came of the contact with Morgan Reed').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await row
      .getByLabel('What came of the contact with Morgan Reed')
      .selectOption({ label: 'No answer: try again (stays on this list)' });
    await row.getByLabel('Note about Morgan Reed (optional)').fill('Rang twice, left a voicemail');
    await row.getByRole('button', { name: 'Record contact with Morgan Reed' }).click();
    await row
      .getByTestId('last-contact')
      .filter({ hasText: 'Sam Rivers: No answer – Rang twice, left a voicemail' })
      .waitFor();
    expect(await page.getByTestId('missed-row').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'smi-missed-check-ins.png'), fullPage: true });

    await row
      .getByLabel('What came of the contact with Morgan Reed')
      .selectOption({ label: 'Spoke to them: check-in done by phone' });
    await row
      .getByLabel('Note about Morgan Reed (optional)')
      .fill('Weight and BP given by phone, feeling well');
    await row.getByRole('button', { name: 'Record contact with Morgan Reed' }).click();
    await page.getByTestId('missed-none').waitFor();
    expect(await page.getByTestId('missed-badge').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    const audit: { action: string; actor: string; detail: { outcome: string; closed: boolean } }[] =
      await vigil.dataSource.query(
        `SELECT action, actor, detail FROM patient_audit WHERE patient_id = $1 AND action = 'smi-contact-recorded'
          ORDER BY at, id`,
        [patientId],
      );
    expect(audit.map((a) => [a.actor, a.detail.outcome, a.detail.closed])).toEqual([
      [coordinatorId, 'no-answer', false],
      [coordinatorId, 'checked-in', true],
    ]);
  });
});
