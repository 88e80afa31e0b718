import request from 'supertest';
import { type Harness, startHarness } from '../support/api-harness';
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
      .send({})
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
      .send({ note: 'test done', outcome: 'no-action' })
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
        .send({ note: 'test done', outcome: 'no-action' })
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
      .send({})
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
      .send({ note: '   ', outcome: 'no-action' })
      .expect(400);
    expect(noNote.body.error.code).toBe('validation-failed');
    expect(noNote.body.error.fields[0].path).toBe('note');

    const resolved = await request(h.url)
      .post(`/api/alerts/${alert.id}/resolve`)
      .set('Cookie', coordinator)
      .send({ note: 'Reviewed by CCC; oxygen titrated.', outcome: 'advice-given' })
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
      .send({})
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
});
