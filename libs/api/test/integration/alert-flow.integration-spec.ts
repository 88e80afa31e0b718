import { type AlertRecord, newAlertRecord } from '@vigil/alerting';
import { AlertsRepository, PatientsRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, seenOf, startHarness, validNhsNumber } from '../support/api-harness';
import { login } from '../support/session';

describe('alert flow over REST', () => {
  let h: Harness;
  let nurse: string;
  let coordinator: string;

  beforeAll(async () => {
    h = await startHarness();
    nurse = await login(h.url, 'nurse.a');
    coordinator = await login(h.url, 'coordinator');
  });
  afterAll(async () => {
    await h?.close();
  });

  const alerts = new AlertsRepository();
  let nhsSeed = 700_000_000;
  /** A patient of ward A with no alerts yet (one open alert per patient and rule). */
  const newPatient = async (): Promise<string> =>
    (
      await new PatientsRepository(h.dataSource).admit({
        nhsNumber: validNhsNumber(nhsSeed++ * 7),
        givenName: 'Wendy',
        familyName: 'Worse',
        wardId: h.wardA,
      })
    ).id;
  /** The scorer changes the alert, as a reading or its timers would. */
  const scorerChanges = async (a: AlertRecord, change: Partial<AlertRecord>): Promise<AlertRecord> => {
    const next = { ...a, updatedAt: new Date(), ...change };
    await h.db.transaction((tx) => alerts.save(tx, [next]));
    return next;
  };
  /** What the nurse's alert page shows, and so what an action from it says was seen. */
  const pageShows = async (id: string) => {
    const res = await request(h.url).get(`/api/alerts/${id}`).set('Cookie', nurse).expect(200);
    return { severity: res.body.severity, attentionSince: res.body.attentionSince } as const;
  };

  it('HZ-04 an action writes its event to the outbox in its own transaction; a failed publish leaves it for the relay', async () => {
    const alert = await h.openAlert(h.patientA, h.wardA);
    const outbox = () =>
      h.db.query<{ type: string; published: boolean }>(
        `SELECT event ->> 'type' AS type, published_at IS NOT NULL AS published FROM alert_outbox
         WHERE event -> 'alert' ->> 'id' = $1 ORDER BY id`,
        [alert.id],
      );
    await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenOf(alert) })
      .expect(200);
    expect(await outbox()).toEqual([{ type: 'alert.acknowledged', published: true }]);
    // The stream refuses the next publish: the action still succeeds, and its event waits in the outbox.
    const publish = h.stream.publish.bind(h.stream);
    h.stream.publish = () => Promise.reject(new Error('stream down'));
    try {
      await request(h.url)
        .post(`/api/alerts/${alert.id}/assign`)
        .set('Cookie', nurse)
        .send({ userId: h.users.nurseA.id })
        .expect(200);
    } finally {
      h.stream.publish = publish;
    }
    expect(await outbox()).toEqual([
      { type: 'alert.acknowledged', published: true },
      { type: 'alert.assigned', published: false },
    ]);
    await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'test done', outcome: 'no-action', seen: seenOf(alert) })
      .expect(200);
  });

  it('alert lists page by cursor (X-Next-Cursor) in triage order, and refuse a cursor they did not issue', async () => {
    const opened = [
      await h.openAlert(h.patientA, h.wardA, 'fall', 'critical'),
      await h.openAlert(h.patientA, h.wardA, 'implausible-reading', 'high'),
      await h.openAlert(h.patientA, h.wardA, 'overdue-reading', 'low'),
    ];
    const all = await request(h.url).get('/api/alerts').set('Cookie', nurse).expect(200);
    expect(all.headers['x-next-cursor']).toBeUndefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await request(h.url)
        .get('/api/alerts')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set('Cookie', nurse)
        .expect(200);
      expect(res.body.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.map((a: { id: string }) => a.id));
      cursor = res.headers['x-next-cursor'];
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual(all.body.map((a: { id: string }) => a.id));
    expect(pages).toBe(Math.ceil(all.body.length / 2));
    expect(seen).toEqual(expect.arrayContaining(opened.map((a) => a.id)));
    const bad = await request(h.url)
      .get('/api/alerts')
      .query({ cursor: 'bm9wZQ' })
      .set('Cookie', nurse)
      .expect(400);
    expect(bad.body.error.message).toMatch(/cursor/);
    for (const a of opened) {
      await request(h.url)
        .post(`/api/alerts/${a.id}/resolve`)
        .set('Cookie', nurse)
        .send({ note: 'test done', outcome: 'no-action', seen: seenOf(a) })
        .expect(200);
    }
  });

  it('acknowledge → escalate → CCC queue → assign → resolve (note required)', async () => {
    const alert = await h.openAlert(h.patientA, h.wardA);

    const list = await request(h.url).get('/api/alerts').set('Cookie', nurse).expect(200);
    expect(list.body.map((a: { id: string }) => a.id)).toContain(alert.id);
    expect(list.body[0].patient).toMatchObject({ id: h.patientA, givenName: 'Ada' });
    expect(list.body[0].wardName).toBe('Ward A');

    const ack = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenOf(alert) })
      .expect(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: h.users.nurseA.id });

    // Not yet escalated: the coordinator does not see it.
    const before = await request(h.url).get('/api/ccc/queue').set('Cookie', coordinator).expect(200);
    expect(before.body.map((a: { id: string }) => a.id)).not.toContain(alert.id);

    const esc = await request(h.url)
      .post(`/api/alerts/${alert.id}/escalate`)
      .set('Cookie', nurse)
      .send({ reason: 'SpO2 falling despite oxygen', destination: 'ccc' })
      .expect(200);
    expect(esc.body).toMatchObject({ state: 'escalated', escalationReason: 'SpO2 falling despite oxygen' });

    const queue = await request(h.url).get('/api/ccc/queue').set('Cookie', coordinator).expect(200);
    const queued = queue.body.find((a: { id: string }) => a.id === alert.id);
    expect(queued).toBeDefined();
    expect(queued.escalatedAt).not.toBeNull();

    const take = await request(h.url)
      .post(`/api/alerts/${alert.id}/assign`)
      .set('Cookie', coordinator)
      .send({ userId: h.users.coordinator.id })
      .expect(200);
    expect(take.body.assignedTo).toBe(h.users.coordinator.id);

    const noNote = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', coordinator)
      .send({ note: '   ', outcome: 'no-action', seen: seenOf(alert) })
      .expect(400);
    expect(noNote.body.error.code).toBe('validation-failed');
    expect(noNote.body.error.fields[0].path).toBe('note');

    const resolved = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', coordinator)
      .send({ note: 'Reviewed by CCC; oxygen titrated.', outcome: 'advice-given', seen: seenOf(alert) })
      .expect(200);
    expect(resolved.body).toMatchObject({
      state: 'resolved',
      resolutionNote: 'Reviewed by CCC; oxygen titrated.',
    });

    const detail = await request(h.url).get(`/api/alerts/${alert.id}`).set('Cookie', nurse).expect(200);
    expect(detail.body.audit.map((e: { action: string }) => e.action)).toEqual([
      'acknowledged',
      'escalated',
      'assigned',
      'resolved',
    ]);
    expect(detail.body.audit.map((e: { actor: string }) => e.actor)).toEqual([
      h.users.nurseA.id,
      h.users.nurseA.id,
      h.users.coordinator.id,
      h.users.coordinator.id,
    ]);

    // A resolved alert cannot be acknowledged again.
    const again = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenOf(alert) })
      .expect(409);
    expect(again.body.error.code).toBe('invalid-transition');
  });

  it('a coordinator may take ownership only for themselves', async () => {
    const alert = await h.openAlert(h.patientA, h.wardA, 'fall', 'critical');
    await request(h.url)
      .post(`/api/alerts/${alert.id}/escalate`)
      .set('Cookie', nurse)
      .send({ reason: 'fall at home', destination: 'ccc' })
      .expect(200);
    const res = await request(h.url)
      .post(`/api/alerts/${alert.id}/assign`)
      .set('Cookie', coordinator)
      .send({ userId: h.users.nurseA.id })
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('HZ-10 an acknowledgement covers the severity seen: a page showing Medium cannot acknowledge the High it has become (409, nothing changed); a reading that leaves the severity as it was is no reason to refuse', async () => {
    const patientId = await newPatient();
    let alert = await h.openAlert(patientId, h.wardA, 'deterioration', 'medium');
    const seenMedium = await pageShows(alert.id);
    expect(seenMedium).toEqual(seenOf(alert));
    // The socket dropped; meanwhile NEWS2 reached 7 on the server.
    alert = await scorerChanges(alert, { severity: 'high', news2Total: 7, band: 'high' });
    const refused = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenMedium })
      .expect(409);
    expect(refused.body.error).toEqual({
      code: 'alert-changed',
      message:
        'This alert changed to High (from Medium) since you opened it: review it before acknowledging.',
    });
    // Nothing changed: still unacknowledged (its escalation runs on), no audit row, no event.
    expect(await alerts.findById(h.db, alert.id)).toMatchObject({ state: 'open', acknowledgedAt: null });
    expect(await alerts.listAudit(h.db, alert.id)).toEqual([]);
    const events = await h.db.query(`SELECT 1 FROM alert_outbox WHERE event -> 'alert' ->> 'id' = $1`, [
      alert.id,
    ]);
    expect(events).toHaveLength(0);

    // The page refetched and shows High; a reading that keeps it High arrives before the click.
    const seenHigh = await pageShows(alert.id);
    expect(seenHigh.severity).toBe('high');
    alert = await scorerChanges(alert, { news2Total: 8, lastObservationAt: new Date() });
    const ack = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenHigh })
      .expect(200);
    expect(ack.body).toMatchObject({
      state: 'acknowledged',
      severity: 'high',
      acknowledgedBy: h.users.nurseA.id,
    });

    // Reopened by a worsening after that acknowledgement: the old page's view no longer covers it.
    alert = await scorerChanges((await alerts.findById(h.db, alert.id)) as AlertRecord, {
      state: 'open',
      attentionSince: new Date(Date.now() + 1_000),
    });
    const again = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenHigh })
      .expect(409);
    expect(again.body.error.code).toBe('alert-changed');
    expect(again.body.error.message).toMatch(/asked for attention again since you opened it/);

    // An old client's empty body is refused: every acknowledgement says what it covers.
    const bare = await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({})
      .expect(400);
    expect(bare.body.error.fields.map((f: { path: string }) => f.path)).toContain('seen');
  });

  it('HZ-10 HZ-18 R3 a snooze or a resolution of an alert that worsened since it was seen is refused (409); escalating it is not', async () => {
    const patientId = await newPatient();
    let alert = await h.openAlert(patientId, h.wardA, 'deterioration', 'low');
    const seenLow = await pageShows(alert.id);
    alert = await scorerChanges(alert, { severity: 'medium', news2Total: 5, band: 'medium' });
    // 30 minutes is within what a Medium alert allows: only what was seen refuses it.
    const snooze = await request(h.url)
      .post(`/api/alerts/${alert.id}/snooze`)
      .set('Cookie', nurse)
      .send({ minutes: 30, seen: seenLow })
      .expect(409);
    expect(snooze.body.error.message).toBe(
      'This alert changed to Medium (from Low) since you opened it: review it before snoozing.',
    );
    const resolve = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', nurse)
      .send({ note: 'Advice given', outcome: 'advice-given', seen: seenLow })
      .expect(409);
    expect(resolve.body.error.code).toBe('alert-changed');
    expect(await alerts.findById(h.db, alert.id)).toMatchObject({ state: 'open', snoozedUntil: null });
    await request(h.url)
      .post(`/api/alerts/${alert.id}/escalate`)
      .set('Cookie', nurse)
      .send({ reason: 'worse since I looked', destination: 'ccc' })
      .expect(200);
  });

  it('HZ-02 HZ-22 the triage list and the CCC queue page past 500 (X-Next-Cursor) and say how many in all (X-Total-Count): no active alert is out of reach', async () => {
    const patientId = await newPatient();
    const at = new Date();
    const many: AlertRecord[] = Array.from({ length: 503 }, (_, i) => ({
      ...newAlertRecord({
        patientId,
        wardId: h.wardA,
        ruleId: 'device-offline',
        ruleVersion: 1,
        subject: `hub-${i}`,
        kind: 'technical',
        severity: 'technical',
        reason: 'No heartbeat from the hub',
        band: null,
        news2Total: null,
        partial: false,
        triggeringParameters: [],
        lastObservationAt: null,
        at: new Date(at.getTime() + i),
      }),
      state: 'escalated' as const,
      escalatedAt: at,
      escalationDestination: 'ccc',
    }));
    await h.db.transaction((tx) => alerts.save(tx, many));
    const ids = new Set(many.map((a) => a.id));
    try {
      const readAll = async (path: string, cookie: string) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        let total: string | undefined;
        let pages = 0;
        do {
          const res = await request(h.url)
            .get(path)
            .query(cursor ? { cursor } : {})
            .set('Cookie', cookie)
            .expect(200);
          if (pages === 0) total = res.headers['x-total-count'];
          else expect(res.headers['x-total-count']).toBeUndefined();
          expect(res.body.length).toBeLessThanOrEqual(500);
          seen.push(...res.body.map((a: { id: string }) => a.id));
          cursor = res.headers['x-next-cursor'];
          pages += 1;
        } while (cursor && pages < 10);
        return { seen, total: Number(total), pages };
      };
      const [{ n: escalated }] = await h.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM alerts WHERE escalated_at IS NOT NULL AND state <> 'resolved'`,
      );
      const ccc = await readAll('/api/ccc/queue', coordinator);
      expect(ccc.pages).toBe(2);
      expect(ccc.total).toBe(Number(escalated));
      expect(ccc.seen).toHaveLength(ccc.total);
      expect(new Set(ccc.seen).size).toBe(ccc.seen.length);
      expect(ccc.seen.filter((id) => ids.has(id))).toHaveLength(503);

      const triage = await readAll('/api/alerts', nurse);
      expect(triage.pages).toBe(2);
      expect(triage.seen).toHaveLength(triage.total);
      expect(triage.seen.filter((id) => ids.has(id))).toHaveLength(503);
    } finally {
      await h.db.query(`DELETE FROM alerts WHERE id = ANY($1::uuid[])`, [[...ids]]);
    }
  });
});
