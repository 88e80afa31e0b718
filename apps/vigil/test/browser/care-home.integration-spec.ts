/**
 * Issue 14 acceptance, in a browser: care-home staff see and acknowledge a resident's fall first; a fall nobody
 * at the home acknowledges goes to the virtual ward (HZ-43). The staff screen is live (HZ-67): a fall, and a
 * colleague's acknowledgement, show without a reload, pushed over the socket gateway (it does not poll while
 * connected). The whole system (startVigil: real PostgreSQL,
 * embedded broker, scorer with its timers, the built console), falls published by falls sensors over MQTT,
 * Debian chromium, axe (WCAG 2.2 AA) on the care-home screen.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { mqttTopics } from '@vigil/contracts';
import { DeviceRegistryRepository, PatientsRepository, UsersRepository } from '@vigil/storage';
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on in the tests
type Json = any;

jest.setTimeout(300_000);

describe('care homes in a browser (issue 14, HZ-43, WCAG 2.2 AA)', () => {
  let db: TestDatabase;
  let consoleDir: string;
  let vigil: RunningVigil;
  let browser: Browser;
  let page: Page;
  let homeId: string;
  const residents: Record<'edith' | 'frank', { id: string; device: string; secret: string }> = {} as never;
  const cookies: Record<string, string> = {};
  /** Every socket.io frame the console received over its WebSocket. */
  const frames: string[] = [];
  /** The `care-home` notifications the console was sent for one alert, by event type. */
  const careHomeNotices = (alertId: string): string[] =>
    frames
      .filter((f) => f.startsWith('42["care-home"'))
      .map((f) => JSON.parse(f.slice(2)) as [string, { alertId: string; type: string }])
      .filter(([, e]) => e.alertId === alertId)
      .map(([, e]) => e.type);

  const api = async (
    who: string,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${vigil.httpUrl}${url}`, {
      method,
      headers: { cookie: cookies[who], 'content-type': 'application/json', origin: vigil.httpUrl },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  async function signInApi(username: string): Promise<void> {
    const res = await fetch(`${vigil.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: vigil.httpUrl },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    cookies[username] = (res.headers.get('set-cookie') ?? '').split(';')[0];
  }

  async function signIn(username: string): Promise<void> {
    await page.goto(`${vigil.httpUrl}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function fall(who: 'edith' | 'frank', seq: number): Promise<void> {
    const { device, secret } = residents[who];
    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: device,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const at = new Date().toISOString();
      await client.publishAsync(
        mqttTopics.readings(device),
        JSON.stringify({
          v: 1,
          deviceId: device,
          seq,
          sentAt: at,
          measurements: [{ type: 'fall', confidence: 0.96, location: 'bedroom', measuredAt: at }],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
    const until = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    consoleDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-build-'));
    buildConsole(consoleDir);
    db = await createTestDatabase('vigil_care_home');
    const httpPort = await freePort();
    vigil = await startVigil({
      databaseUrl: db.url,
      httpPort,
      httpHost: '127.0.0.1',
      allowedOrigins: [`http://127.0.0.1:${httpPort}`],
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir,
      demo: false,
      // The timers run every second here; the test moves a fall's clock instead of waiting 10 minutes.
      scorerTimerIntervalMs: 1_000,
      heartbeatIntervalMs: 1_000,
      logLevel: 'silent',
    });
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Frailty and care homes virtual ward');
    const users = new UsersRepository(vigil.dataSource);
    await users.create({
      username: 'admin',
      displayName: 'Admin',
      role: 'admin',
      wardIds: [],
      password: PASSWORD,
    });
    await users.create({
      username: 'nurse.vw',
      displayName: 'Nurse VW',
      role: 'nurse',
      wardIds: [ward.id],
      password: PASSWORD,
    });
    const carer = await users.create({
      username: 'carer.oaks',
      displayName: 'Carer at The Oaks',
      role: 'care-home',
      wardIds: [],
      password: PASSWORD,
    });
    for (const u of ['admin', 'nurse.vw', 'carer.oaks']) await signInApi(u);

    const home = await api('admin', 'POST', '/api/care-homes', {
      name: 'The Oaks',
      escalationWardId: ward.id,
    });
    expect(home.status).toBe(201);
    homeId = home.body.id;
    expect((await api('admin', 'POST', `/api/care-homes/${homeId}/staff`, { userId: carer.id })).status).toBe(
      204,
    );
    const registry = new DeviceRegistryRepository(vigil.dataSource);
    for (const [key, nhsNumber, givenName, room] of [
      ['edith', '9434765919', 'Edith', '12'],
      ['frank', '9876543210', 'Frank', '14'],
    ] as const) {
      // Enrolled in falls prevention, not on a virtual-ward plan.
      const res = await api('admin', 'POST', `/api/care-homes/${homeId}/residents`, {
        nhsNumber,
        givenName,
        familyName: 'Oak',
        room,
        fallsPrevention: true,
      });
      expect(res.status).toBe(201);
      const { device, secret } = await registry.provision({ kind: 'falls-sensor' });
      await registry.bind({
        deviceId: device.id,
        patientId: res.body.patientId,
        from: new Date(Date.now() - 60_000),
      });
      expect(
        (
          await api('admin', 'POST', `/api/care-homes/${homeId}/devices`, {
            deviceId: device.id,
            kind: 'falls-sensor',
            location: `Room ${room}`,
          })
        ).status,
      ).toBe(204);
      residents[key] = { id: res.body.patientId, device: device.id, secret };
    }

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route('https://assets.nhs.uk/**', (route) => route.abort());
    page = await context.newPage();
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => {
        if (typeof f.payload === 'string') frames.push(f.payload);
      });
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.stop();
    await db?.drop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it("HZ-43 HZ-67 care-home staff see a resident's fall first, live, and a colleague's acknowledgement without a reload; the ward's queue never shows it", async () => {
    await signIn('carer.oaks');
    await page.getByRole('heading', { name: 'Falls at The Oaks' }).waitFor();
    await page.getByTestId('falls-waiting').filter({ hasText: 'No falls are waiting for you.' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await fall('edith', 1);
    // No reload from here on: the fall arrives over the socket (the screen does not poll while connected).
    const row = page.getByTestId('fall-row').filter({ hasText: 'Edith Oak' });
    await row.waitFor({ timeout: 30_000 });
    const alertId = (await row.getAttribute('data-alert-id')) as string;
    expect(careHomeNotices(alertId)).toContain('alert.opened');
    await page.getByTestId('live-region').filter({ hasText: 'A resident has fallen' }).waitFor();
    await expect(row.getByTestId('fall-status').textContent()).resolves.toBe(
      'Waiting for the home to acknowledge',
    );
    await page
      .getByTestId('falls-waiting')
      .filter({ hasText: '1 fall is waiting for you to acknowledge.' })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // Not the virtual ward's, nor the CCC's, while it is with the home.
    const queue = await api('nurse.vw', 'GET', '/api/alerts');
    expect(queue.body.filter((a: { patientId: string }) => a.patientId === residents.edith.id)).toEqual([]);

    // A colleague acknowledges it on another device: this screen shows it at once, without a reload.
    const ack = await api('carer.oaks', 'POST', `/api/care-homes/${homeId}/falls/${alertId}/acknowledge`, {});
    expect(ack.status).toBeLessThan(300);
    await expect(
      row.getByTestId('fall-status').filter({ hasText: 'Acknowledged by the home' }).waitFor(),
    ).resolves.toBeUndefined();
    expect(careHomeNotices(alertId)).toContain('alert.acknowledged');
    expect(await page.getByRole('button', { name: 'Acknowledge the fall of Edith Oak' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'care-home-falls.png'), fullPage: true });
    await row
      .getByLabel('What happened and what was done for Edith Oak')
      .fill('Found on the floor by the bed, no injury. Helped up, obs normal.');
    await row.getByRole('button', { name: 'Resolve the fall of Edith Oak' }).click();
    await row.getByTestId('fall-status').filter({ hasText: 'Resolved' }).waitFor();
    // The falls view: one fall this week, acknowledged, Edith once.
    const summary = page.getByTestId('falls-summary');
    await page.reload();
    await summary.getByText('Falls in the last 7 days').waitFor();
    await expect(page.getByTestId('resident-row').first().textContent()).resolves.toContain('Edith Oak');
  });

  it('HZ-43 a fall nobody at the home acknowledges goes to the virtual ward, whose nurse sees it in triage', async () => {
    await fall('frank', 1);
    const alert = await waitFor('Frank’s fall', async () => {
      const falls = await api('nurse.vw', 'GET', '/api/alerts');
      expect(falls.body.some((a: { patientId: string }) => a.patientId === residents.frank.id)).toBe(false);
      const [row] = await vigil.dataSource.query(
        `SELECT id, escalation_destination FROM alerts WHERE patient_id = $1 AND rule_id = 'fall'`,
        [residents.frank.id],
      );
      return row as { id: string; escalation_destination: string } | undefined;
    });
    expect(alert.escalation_destination).toBe('care-home');
    // Ten minutes pass with nobody at the home acknowledging: moved on the fall's own clock.
    await vigil.dataSource.query(
      `UPDATE alerts SET attention_since = attention_since - interval '11 minutes', opened_at = opened_at - interval '11 minutes'
       WHERE id = $1`,
      [alert.id],
    );
    const sent = await waitFor('the timer to send it to the virtual ward', async () => {
      const queue = await api('nurse.vw', 'GET', '/api/alerts');
      return (queue.body as { id: string; escalationReason: string | null; state: string }[]).find(
        (a) => a.id === alert.id,
      );
    });
    expect(sent.state).toBe('open');
    expect(sent.escalationReason).toMatch(/Not acknowledged by the care home within 10 minutes/);
    const [audit] = await vigil.dataSource.query(
      `SELECT action FROM alert_audit WHERE alert_id = $1 AND action = 'escalated-to-virtual-ward'`,
      [alert.id],
    );
    expect(audit).toEqual({ action: 'escalated-to-virtual-ward' });

    // The home still sees where it went.
    await page.reload();
    const row = page.getByTestId('fall-row').filter({ hasText: 'Frank Oak' });
    await row
      .getByTestId('fall-status')
      .filter({ hasText: 'Not acknowledged in time: sent to the virtual ward' })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The virtual-ward nurse has it in the triage queue.
    await signIn('nurse.vw');
    const triage = page.getByTestId('triage-row').filter({ hasText: '987 654 3210' });
    await triage.waitFor({ timeout: 30_000 });
    expect(await axeViolations(page)).toEqual([]);
  });
  it('HZ-40 a virtual-ward nurse records answers given by phone and issues a code, on the patient page (axe)', async () => {
    await page.goto(`${vigil.httpUrl}/patients/${residents.frank.id}`);
    await page.getByRole('heading', { name: 'Patient and carer reporting' }).waitFor();
    const form = page.getByRole('group', { name: 'Answers taken by phone' });
    // Missing answers are named per question.
    await page.getByRole('button', { name: 'Record answers taken by phone' }).click();
    await form.getByText('Select an answer').first().waitFor();
    for (const question of [
      'Is Frank more confused than usual, or confused in a new way?',
      'Is Frank more out of breath than usual?',
      'Does Frank have pain or tightness in their chest now?',
      'Is Frank using oxygen from a machine or a cylinder right now?',
    ]) {
      await form.getByRole('group', { name: question }).getByLabel('No', { exact: true }).check();
    }
    await page.getByRole('button', { name: 'Record answers taken by phone' }).click();
    await page.getByRole('status').filter({ hasText: 'Answers recorded as reported by phone.' }).waitFor();
    await page.getByTestId('reported-answers').getByText('A nurse, by phone').waitFor();
    await page.getByRole('button', { name: 'Issue a code' }).click();
    await page
      .getByTestId('issued-code')
      .getByText(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$/)
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const [row] = await vigil.dataSource.query(
      `SELECT source, entered_by FROM reported_answers WHERE patient_id = $1`,
      [residents.frank.id],
    );
    expect(row.source).toBe('nurse-reported-by-phone');
  });

  it('an admin sets up care homes in the console: the home, its residents and staff (axe)', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('admin');
    await page.getByRole('link', { name: 'Care homes', exact: true }).click();
    await page.getByRole('heading', { name: 'Care homes', level: 1 }).waitFor();
    const oaks = page.getByRole('region', { name: 'The Oaks' });
    await oaks.getByRole('cell', { name: /Edith Oak/ }).waitFor();
    await expect(oaks.getByRole('row').filter({ hasText: 'Frank Oak' }).textContent()).resolves.toContain(
      'Enrolled',
    );
    expect(await axeViolations(page)).toEqual([]);
    // A second home, escalating to the same virtual ward.
    await page.getByLabel('Name of the care home').fill('The Elms');
    await page
      .getByLabel('Virtual ward for unacknowledged falls')
      .selectOption({ label: 'Frailty and care homes virtual ward' });
    await page.getByRole('button', { name: 'Add care home' }).click();
    await page.getByRole('heading', { name: 'The Elms', level: 2 }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('HZ-68 after the fall a carer is asked about it first on the patient page; the nurse sees the answers on the fall alert (axe)', async () => {
    // Edith's fall (the first test) was resolved by the home, but nobody has said what happened yet.
    const issued = await api('nurse.vw', 'POST', `/api/patients/${residents.edith.id}/access-codes`, {
      label: 'son',
    });
    expect(issued.status).toBe(201);
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
    try {
      const p = await phone.newPage();
      await p.goto(`${vigil.httpUrl}${issued.body.linkPath}`);
      await p.getByLabel('I am a carer, family member or friend of Edith Oak').check();
      await p.getByRole('button', { name: 'Continue' }).click();
      await p.getByRole('heading', { name: 'Questions after a fall' }).waitFor();
      await p.getByTestId('fall-detected').waitFor();
      expect(await axeViolations(p)).toEqual([]);
      for (const [question, answer] of [
        ['Is Edith in a lot of pain, or unable to move an arm or leg?', 'No'],
        ['Did Edith hurt themselves in the fall?', 'Yes'],
        ['Did Edith hit their head?', 'No'],
        ['Does Edith take medicine to thin the blood (such as warfarin or apixaban)?', 'Not sure'],
        ['Since the fall, is Edith more confused or sleepy than before?', 'No'],
        ['Could Edith get up without help?', 'No'],
        ['Was Edith on the floor for more than 1 hour?', 'Yes'],
        ['Does Edith have pain or tightness in their chest now?', 'No'],
      ] as const) {
        await p.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
      }
      await p
        .getByLabel('What happened?')
        .fill('Got up in the night for the toilet and slipped; bruised hip');
      await p.screenshot({ path: path.join(SCREENSHOTS, 'patient-page-after-fall.png'), fullPage: true });
      await p.getByRole('button', { name: 'Send to the care team' }).click();
      await p.getByText('Phone your virtual ward now').first().waitFor();
      expect(await axeViolations(p)).toEqual([]);
    } finally {
      await phone.close();
    }

    const [fallAlert] = await vigil.dataSource.query(
      `SELECT id FROM alerts WHERE patient_id = $1 AND rule_id = 'fall'`,
      [residents.edith.id],
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('nurse.vw');
    await page.goto(`${vigil.httpUrl}/alerts/${fallAlert.id}`);
    const answers = page.getByTestId('alert-reported-answers');
    await answers.getByRole('heading', { name: 'Answers after the fall' }).waitFor();
    await answers.getByText('Got up in the night for the toilet and slipped; bruised hip').waitFor();
    await expect(answers.textContent()).resolves.toContain('Was Edith on the floor for more than 1 hour?Yes');
    await expect(answers.textContent()).resolves.toContain('Could Edith get up without help?No');
    await expect(answers.textContent()).resolves.toContain('A carer');
    expect(await axeViolations(page)).toEqual([]);
    await answers.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alert-post-fall-answers.png'), fullPage: true });
  });
});
