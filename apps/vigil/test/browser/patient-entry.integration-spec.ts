/**
 * Issue 14 acceptance, in a browser: a carer signs in with a code the ward issued, reports new confusion on
 * the patient page, and the patient's NEWS2 (devices send the rest) becomes complete and alerts. The page is
 * checked with axe (WCAG 2.2 AA) on a phone-sized screen, its JavaScript is measured (none), and its screenshot
 * goes to docs/images. Real PostgreSQL, the embedded broker and scorer (startVigil), Debian chromium.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mqtt from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mqttTopics } from '@vigil/contracts';
import { DeviceRegistryRepository, PatientsRepository, UsersRepository } from '@vigil/storage';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type RunningVigil, startVigil } from '../../src/start-vigil';
import { axeViolations, CHROMIUM, freePort, launchChromium, REPO_ROOT } from './support/browser';

// Screenshots go to artifacts/ (the copies in docs/images are taken from a run).
const IMAGES = path.join(REPO_ROOT, 'artifacts/screenshots');
const PASSWORD = 'correct horse battery staple';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted on in the tests
type Json = any;

jest.setTimeout(240_000);

describe('patient and carer page in a browser (issue 14, HZ-40, HZ-41, HZ-42, WCAG 2.2 AA)', () => {
  let db: TestDatabase;
  let vigil: RunningVigil;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let patientId: string;
  let nurseCookie: string;
  const scripts: { url: string; bytes: number }[] = [];

  const api = async (
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${vigil.httpUrl}${url}`, {
      method,
      headers: { cookie: nurseCookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    db = await createTestDatabase('vigil_patient_page');
    // A known port, so the page's own origin is the allowed one (state-changing requests check Origin).
    const httpPort = await freePort();
    vigil = await startVigil({
      databaseUrl: db.url,
      httpPort,
      httpHost: '127.0.0.1',
      allowedOrigins: [`http://127.0.0.1:${httpPort}`],
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 0 },
      consoleDir: null,
      demo: false,
      scorerTimerIntervalMs: 3_600_000,
      heartbeatIntervalMs: 1_000,
      logLevel: 'silent',
    });
    const patients = new PatientsRepository(vigil.dataSource);
    const ward = await patients.createWard('Frailty virtual ward');
    patientId = (
      await patients.admit({
        nhsNumber: '9434765919',
        givenName: 'Ada',
        familyName: 'Lovelace',
        dateOfBirth: '1941-03-12',
        wardId: ward.id,
        pathway: 'frailty',
      })
    ).id;
    await new UsersRepository(vigil.dataSource).create({
      username: 'nurse.frailty',
      displayName: 'Nurse Frailty',
      role: 'nurse',
      wardIds: [ward.id],
      password: PASSWORD,
    });
    const login = await fetch(`${vigil.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nurse.frailty', password: PASSWORD }),
    });
    nurseCookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(nurseCookie).toMatch(/^vigil_session=/);

    browser = await launchChromium();
    // A cheap phone's screen.
    context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    await context.route('https://assets.nhs.uk/**', (route) => route.abort());
    page = await context.newPage();
    page.on('response', async (res) => {
      if (res.request().resourceType() === 'script') {
        scripts.push({ url: res.url(), bytes: (await res.body().catch(() => Buffer.alloc(0))).length });
      }
    });
    await mkdir(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.stop();
    await db?.drop();
  });

  /** Devices send everything NEWS2 needs but consciousness and air or oxygen: the score stays partial. */
  async function devicesSendVitals(): Promise<void> {
    const registry = new DeviceRegistryRepository(vigil.dataSource);
    const { device, secret } = await registry.provision({ kind: 'hub' });
    await registry.bind({ deviceId: device.id, patientId, from: new Date(Date.now() - 60_000) });
    const client = await mqtt.connectAsync(vigil.mqttUrl, {
      username: device.id,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const measuredAt = new Date().toISOString();
      await client.publishAsync(
        mqttTopics.readings(device.id),
        JSON.stringify({
          v: 1,
          deviceId: device.id,
          seq: 1,
          sentAt: measuredAt,
          measurements: [
            { type: 'respiratoryRate', value: 16, unit: '/min', measuredAt },
            { type: 'spo2', value: 97, unit: '%', measuredAt },
            { type: 'heartRate', value: 72, unit: '/min', measuredAt },
            { type: 'temperature', value: 37.0, unit: 'Cel', measuredAt },
            { type: 'bloodPressure', systolic: 128, diastolic: 80, unit: 'mm[Hg]', measuredAt },
          ],
        }),
        { qos: 1 },
      );
    } finally {
      await client.endAsync();
    }
  }

  async function latestScore(): Promise<{ total: number; partial: boolean; missing: string[] } | null> {
    const { body } = await api('GET', `/api/patients/${patientId}`);
    return body.latestScore ?? null;
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

  it('a carer signs in with a code, reports new confusion, and NEWS2 becomes complete and alerts (HZ-40, HZ-42)', async () => {
    await devicesSendVitals();
    const partial = await waitFor('a partial score from the devices', async () => {
      const s = await latestScore();
      return s && s.partial ? s : null;
    });
    expect(partial.missing).toEqual(expect.arrayContaining(['consciousness']));
    expect(partial.total).toBe(0);

    // The ward issues a code (shown once) for the daughter.
    const issued = await api('POST', `/api/patients/${patientId}/access-codes`, { label: 'Daughter' });
    expect(issued.status).toBe(201);
    const code: string = issued.body.code;

    // --- Sign in with the code, on a phone.
    await page.goto(`${vigil.httpUrl}/p`);
    await page.getByRole('heading', { name: 'Sign in with your code' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // A mistyped code: a clear error, linked from the summary, still no violations.
    await page.getByLabel('Your code').fill('ABCD-EFGH-JK');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'This code does not work' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Your code').fill(code.toLowerCase().replace(/-/g, ' '));
    await page.getByRole('button', { name: 'Continue' }).click();

    // --- HZ-40: whose record is this? Who is answering?
    await page.getByRole('heading', { name: 'Check this is the right person' }).waitFor();
    await expect(page.locator('.vigil-patient-name').textContent()).resolves.toBe('Ada Lovelace');
    await expect(page.getByText('Born 12 March 1941').count()).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'Select who is filling this in' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('I am a carer, family member or friend of Ada Lovelace').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    // --- The frailty check-in, in plain English, with large targets.
    await page.getByRole('heading', { name: 'How is Ada today?' }).waitFor();
    await page.screenshot({ path: path.join(IMAGES, 'patient-page-check-in.png') });
    const confusion = page.getByRole('group', {
      name: 'Is Ada more confused than usual, or confused in a new way?',
    });
    await confusion.getByLabel('Yes').check();
    expect(await axeViolations(page)).toEqual([]);
    // Sending with answers missing names each one.
    await page.getByRole('button', { name: 'Send to the care team' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await page
      .getByRole('link', { name: 'Is Ada eating and drinking less than usual?: Select an answer' })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await expect(page.title()).resolves.toMatch(/^Error: /);
    // What was already answered is kept.
    await expect(
      page
        .getByRole('group', { name: /more confused than usual/ })
        .getByLabel('Yes')
        .isChecked(),
    ).resolves.toBe(true);
    for (const [question, answer] of [
      ['Is Ada eating and drinking less than usual?', 'No'],
      ['Is Ada finding it harder than usual to move around?', 'No'],
      ['Is Ada more out of breath than usual?', 'No'],
      ['Does Ada have pain or tightness in their chest now?', 'No'],
      ['Is Ada using oxygen from a machine or a cylinder right now?', 'No'],
    ] as const) {
      await page.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
    }
    // Radios and the button are large enough to tap (WCAG 2.2 target size: 24 px; NHS: 40 px or more).
    const box = await page.locator('.nhsuk-radios__input').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(40);
    const button = await page.getByRole('button', { name: 'Send to the care team' }).boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(44);
    await page.getByRole('button', { name: 'Send to the care team' }).click();

    // --- Sent, with the advice the answers call for.
    await page.getByRole('heading', { name: 'Thank you. Your answers have been sent' }).waitFor();
    await page.getByText('Phone your virtual ward now and tell them how Ada is.').waitFor();
    await expect(
      page.getByText(/^Sent on \w+day \d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)\.$/).count(),
    ).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(IMAGES, 'patient-page-sent.png') });

    // --- The scorer, fed through the stream like a device reading, completes the score: C scores 3.
    const complete = await waitFor('a complete score', async () => {
      const s = await latestScore();
      return s && !s.partial ? s : null;
    });
    expect(complete).toMatchObject({ total: 3, partial: false, missing: [] });
    expect((complete as unknown as { perParameter: Record<string, number> }).perParameter.consciousness).toBe(
      3,
    );
    // A 3 in one parameter is a red score: the ward gets an alert (RCP NEWS2 2017: urgent ward-based response).
    const alert = await waitFor('an alert', async () => {
      const { body } = await api('GET', '/api/alerts');
      return (body as { patientId: string; news2Total: number | null; partial: boolean }[]).find(
        (a) => a.patientId === patientId,
      );
    });
    expect(alert).toMatchObject({ news2Total: 3, partial: false });
    const { body: observations } = await api(
      'GET',
      `/api/patients/${patientId}/observations?parameter=consciousness`,
    );
    expect(observations).toEqual([expect.objectContaining({ valueCode: 'C', source: 'carer-reported' })]);

    // The page sent no JavaScript at all (issue 14: at most 100 kB gzipped).
    expect(scripts).toEqual([]);
    const html = await (await fetch(`${vigil.httpUrl}/p/sign-in`)).text();
    expect(html).not.toMatch(/<script/i);
    await writeFile(
      path.join(REPO_ROOT, 'artifacts', 'patient-page-js.json'),
      JSON.stringify({ scripts, totalBytes: scripts.reduce((n, s) => n + s.bytes, 0) }, null, 2),
    ).catch(() => undefined);
  });

  it('HZ-41: once the ward revokes the code, the open page stops and the code no longer signs in', async () => {
    const { body: codes } = await api('GET', `/api/patients/${patientId}/access-codes`);
    const live = (codes as { id: string; state: string }[]).filter((c) => c.state === 'live');
    expect(live.length).toBe(1);
    expect((await api('POST', `/api/patients/${patientId}/access-codes/${live[0].id}/revoke`)).status).toBe(
      204,
    );
    await page.getByRole('link', { name: 'Answer the questions again' }).click();
    await page.getByRole('heading', { name: 'Sign in with your code' }).waitFor();
    await page.getByText('Your sign-in has ended. Enter your code again.').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
