import request from 'supertest';
import type { ObservationEvent } from '@vigil/contracts';
import { startHarness, type Harness } from '../support/api-harness';
import { login } from '../support/session';

/** A cookie jar of one: the patient cookie from a response. */
function patientCookie(res: request.Response): string {
  const set = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const c = set.find((x) => x.startsWith('vigil_patient='));
  if (!c) throw new Error(`no patient cookie in ${JSON.stringify(set)}`);
  return c;
}
const formTokenIn = (html: string): string => /name="_form" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('patient and carer reporting (issue 14)', () => {
  let h: Harness;
  let nurseA: string;
  let nurseB: string;
  let coordinator: string;

  beforeAll(async () => {
    h = await startHarness({ loginThrottle: { limit: 1000, ttlMs: 60_000 } });
    nurseA = await login(h.url, 'nurse.a');
    nurseB = await login(h.url, 'nurse.b');
    coordinator = await login(h.url, 'coordinator');
  });
  afterAll(async () => h?.close());

  const issue = async (cookie: string, patientId = h.patientA, body: object = { label: 'daughter' }) =>
    request(h.url).post(`/api/patients/${patientId}/access-codes`).set('Cookie', cookie).send(body);

  /** Signs in with the link and confirms who is answering; returns the cookie and form token. */
  async function signInAs(code: string, who: 'patient' | 'carer') {
    const res = await request(h.url).get(`/p/c/${code}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/p/confirm');
    const setCookie = patientCookie(res);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/p/);
    const cookie = setCookie.split(';')[0];
    const confirm = await request(h.url).get('/p/confirm').set('Cookie', cookie);
    const form = formTokenIn(confirm.text);
    const done = await request(h.url)
      .post('/p/confirm')
      .set('Cookie', cookie)
      .type('form')
      .send({ who, _form: form });
    expect(done.status).toBe(303);
    return { cookie, form, confirmPage: confirm.text };
  }

  it('the ward issues a code for its own patients only; the code is shown once, stored hashed', async () => {
    const res = await issue(nurseA);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: expect.stringMatching(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$/),
      state: 'live',
    });
    expect(res.body.linkPath).toBe(`/p/c/${res.body.code}`);
    const list = await request(h.url).get(`/api/patients/${h.patientA}/access-codes`).set('Cookie', nurseA);
    expect(list.body[0]).not.toHaveProperty('code');
    expect((await issue(nurseB)).status).toBe(404);
    expect((await issue(coordinator)).status).toBe(403);
    expect((await issue(nurseA, h.patientA, { validDays: 365 })).status).toBe(400);
  });

  it('HZ-40: a carer signs in with the link, sees whose record it is, and new confusion goes to the stream as ACVPU C, carer-reported', async () => {
    const { body: issued } = await issue(nurseA);
    const { cookie, form, confirmPage } = await signInAs(issued.code, 'carer');
    expect(confirmPage).toContain('Ada Able');
    const page = await request(h.url).get('/p/check-in').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Is Ada more confused than usual');
    expect(page.text).not.toMatch(/<script/i);

    const missing = await request(h.url)
      .post('/p/check-in')
      .set('Cookie', cookie)
      .type('form')
      .send({ _form: form });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('There is a problem');
    expect(missing.text).toContain('href="#new-confusion"');

    const before = h.observed.length;
    const sent = await request(h.url).post('/p/check-in').set('Cookie', cookie).type('form').send({
      _form: form,
      'new-confusion': 'yes',
      breathless: 'no',
      'chest-pain': 'no',
      'on-oxygen': 'no',
      'reading-temperature': '37,9',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Thank you. Your answers have been sent');
    expect(sent.text).toContain('Phone your virtual ward now');
    const events = h.observed.slice(before).filter((e): e is ObservationEvent => e.type === 'observation');
    const byParameter = Object.fromEntries(events.map((e) => [e.observation.parameter, e.observation]));
    expect(byParameter.consciousness).toMatchObject({
      patientId: h.patientA,
      valueCode: 'C',
      value: 1,
      source: 'carer-reported',
      deviceId: null,
      enteredBy: `access-code:${issued.id}`,
    });
    expect(byParameter.inspiredOxygen).toMatchObject({ valueCode: 'air', source: 'carer-reported' });
    expect(byParameter.temperature).toMatchObject({ value: 37.9, unit: 'Cel' });

    const answers = await request(h.url)
      .get(`/api/patients/${h.patientA}/reported-answers`)
      .set('Cookie', nurseA);
    expect(answers.body[0]).toMatchObject({
      source: 'carer-reported',
      advice: 'call-ward',
      answers: { 'new-confusion': 'yes' },
      observationIds: events.map((e) => e.observation.id),
    });
  });

  it('HZ-40: "this is not the right person" ends the session and sends nothing', async () => {
    const { body: issued } = await issue(nurseA);
    const res = await request(h.url).get(`/p/c/${issued.code}`);
    const cookie = patientCookie(res).split(';')[0];
    const form = formTokenIn((await request(h.url).get('/p/confirm').set('Cookie', cookie)).text);
    const notThem = await request(h.url)
      .post('/p/confirm')
      .set('Cookie', cookie)
      .type('form')
      .send({ who: 'not-them', _form: form });
    expect(notThem.text).toContain('Phone your virtual ward');
    expect((await request(h.url).get('/p/check-in').set('Cookie', cookie)).status).toBe(401);
  });

  it('a form without the session’s anti-forgery token is refused; a patient cookie opens no staff route and a staff cookie no patient page', async () => {
    const { body: issued } = await issue(nurseA);
    const { cookie } = await signInAs(issued.code, 'patient');
    const forged = await request(h.url)
      .post('/p/check-in')
      .set('Cookie', cookie)
      .type('form')
      .send({ 'new-confusion': 'yes' });
    expect(forged.status).toBe(403);
    expect((await request(h.url).get(`/api/patients/${h.patientA}`).set('Cookie', cookie)).status).toBe(401);
    expect((await request(h.url).get('/p/check-in').set('Cookie', nurseA)).status).toBe(401);
  });

  it('HZ-41: revoking a code ends its sessions at once; an unknown code is refused without saying why', async () => {
    const { body: issued } = await issue(nurseA);
    const { cookie } = await signInAs(issued.code, 'patient');
    expect((await request(h.url).get('/p/check-in').set('Cookie', cookie)).status).toBe(200);
    const revoke = await request(h.url)
      .post(`/api/patients/${h.patientA}/access-codes/${issued.id}/revoke`)
      .set('Cookie', nurseA);
    expect(revoke.status).toBe(204);
    const after = await request(h.url).get('/p/check-in').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.text).toContain('Your sign-in has ended');
    const again = await request(h.url).post('/p/sign-in').type('form').send({ code: issued.code });
    expect(again.status).toBe(401);
    expect(again.text).toContain('This code does not work');
  });

  it('a nurse enters answers given by phone: nurse-reported-by-phone, checked like any other', async () => {
    const bad = await request(h.url)
      .post(`/api/patients/${h.patientA}/reported-answers`)
      .set('Cookie', nurseA)
      .send({ answers: { 'new-confusion': 'maybe' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain('answers.new-confusion');
    const before = h.observed.length;
    const ok = await request(h.url)
      .post(`/api/patients/${h.patientA}/reported-answers`)
      .set('Cookie', nurseA)
      .send({ answers: { 'new-confusion': 'no', breathless: 'no', 'chest-pain': 'no', 'on-oxygen': 'yes' } });
    expect(ok.status).toBe(201);
    const events = h.observed.slice(before) as ObservationEvent[];
    expect(
      events.map((e) => [e.observation.parameter, e.observation.valueCode, e.observation.source]),
    ).toEqual([
      ['consciousness', 'A', 'nurse-reported-by-phone'],
      ['breathlessness', 'usual', 'nurse-reported-by-phone'],
      ['chestPain', 'absent', 'nurse-reported-by-phone'],
      ['inspiredOxygen', 'oxygen', 'nurse-reported-by-phone'],
    ]);
  });

  it('HZ-68 after a fall the page asks about the fall first; the answers (what happened, hurt, how long on the floor, getting up) attach to the fall alert the nurse sees', async () => {
    const fall = await h.openAlert(h.patientA, h.wardA, 'fall', 'critical');
    const { body: issued } = await issue(nurseA);
    const res = await request(h.url).get(`/p/c/${issued.code}`);
    const cookie = patientCookie(res).split(';')[0];
    const form = formTokenIn((await request(h.url).get('/p/confirm').set('Cookie', cookie)).text);
    const confirmed = await request(h.url)
      .post('/p/confirm')
      .set('Cookie', cookie)
      .type('form')
      .send({ who: 'carer', _form: form });
    expect(confirmed.headers.location).toBe('/p/fall');
    const page = await request(h.url).get('/p/fall').set('Cookie', cookie);
    expect(page.text).toContain('data-testid="fall-detected"');
    for (const words of [
      'What happened?',
      'Did Ada hurt themselves in the fall?',
      'Was Ada on the floor for more than 1 hour?',
      'Could Ada get up without help?',
    ]) {
      expect(page.text).toContain(words);
    }
    expect(page.text).not.toMatch(/<script/i);

    const tooLong = await request(h.url)
      .post('/p/fall')
      .set('Cookie', cookie)
      .type('form')
      .send({ _form: form, 'fall-what-happened': 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Use 500 characters or fewer');

    const answers = {
      'fall-pain': 'no',
      'fall-injured': 'yes',
      'fall-head-injury': 'no',
      'fall-blood-thinners': 'not-sure',
      'fall-confusion-since': 'no',
      'fall-get-up': 'no',
      'fall-long-lie': 'yes',
      'chest-pain': 'no',
      'fall-what-happened': '  Slipped in the bathroom at night; found on the floor by her son  ',
    };
    const sent = await request(h.url)
      .post('/p/fall')
      .set('Cookie', cookie)
      .type('form')
      .send({ _form: form, ...answers });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Phone your virtual ward now');

    const detail = await request(h.url).get(`/api/alerts/${fall.id}`).set('Cookie', nurseA);
    expect(detail.status).toBe(200);
    expect(detail.body.reportedAnswers).toEqual([
      expect.objectContaining({
        questionnaireId: 'post-fall',
        source: 'carer-reported',
        alertId: fall.id,
        advice: 'call-ward',
        answers: expect.objectContaining({
          'fall-injured': 'yes',
          'fall-long-lie': 'yes',
          'fall-get-up': 'no',
          'fall-what-happened': 'Slipped in the bathroom at night; found on the floor by her son',
        }),
      }),
    ]);
    expect(detail.body.audit.map((e: { action: string }) => e.action)).toContain('post-fall-answers');
    // Answered: the next visit opens the usual check-in.
    const again = await request(h.url).get('/p').set('Cookie', cookie);
    expect(again.headers.location).toBe('/p/check-in');
  });

  it('HZ-68 post-fall answers with no fall in the last day attach to none; by phone, what happened is taken in the person’s words', async () => {
    const ok = await request(h.url)
      .post(`/api/patients/${h.patientB}/reported-answers`)
      .set('Cookie', nurseB)
      .send({
        kind: 'post-fall',
        answers: {
          'fall-pain': 'no',
          'fall-injured': 'no',
          'fall-head-injury': 'no',
          'fall-blood-thinners': 'no',
          'fall-confusion-since': 'no',
          'fall-get-up': 'yes',
          'fall-long-lie': 'no',
          'chest-pain': 'no',
        },
      });
    expect(ok.status).toBe(201);
    expect(ok.body.alertId).toBeNull();
    // By phone too, "what happened" is taken in the person's words, within its limit.
    const long = await request(h.url)
      .post(`/api/patients/${h.patientB}/reported-answers`)
      .set('Cookie', nurseB)
      .send({ kind: 'post-fall', answers: { ...ok.body.answers, 'fall-what-happened': 'x'.repeat(501) } });
    expect(long.status).toBe(400);
    expect(long.body.error.fields).toEqual([
      { path: 'answers.fall-what-happened', message: 'Use 500 characters or fewer' },
    ]);
    const words = await request(h.url)
      .post(`/api/patients/${h.patientB}/reported-answers`)
      .set('Cookie', nurseB)
      .send({
        kind: 'post-fall',
        answers: { ...ok.body.answers, 'fall-what-happened': 'Tripped on the stairs' },
      });
    expect(words.body.answers['fall-what-happened']).toBe('Tripped on the stairs');
  });

  it('HZ-41 wrong codes are rate-limited per address: past the limit even the right code waits', async () => {
    const { body: issued } = await issue(nurseA);
    // Earlier tests spent one wrong try from this address: at most 10 in all before the limit.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await request(h.url).post('/p/sign-in').type('form').send({ code: 'ZZZZ-ZZZZ-ZZ' })).status,
      );
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(9);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.at(-1)).toBe(429);
    const blocked = await request(h.url).post('/p/sign-in').type('form').send({ code: issued.code });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('You have tried too many times');
  });
});
