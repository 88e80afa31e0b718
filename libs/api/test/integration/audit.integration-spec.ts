import { AlertsRepository } from '@vigil/storage';
import request from 'supertest';
import { type Harness, seenOf, startHarness } from '../support/api-harness';
import { login } from '../support/session';

describe('HZ-15 alert actions and their audit rows', () => {
  let h: Harness;
  let nurse: string;
  const alerts = new AlertsRepository();

  beforeAll(async () => {
    h = await startHarness();
    nurse = await login(h.url, 'nurse.a');
  });
  afterAll(async () => {
    await h?.close();
  });

  const auditRows = (alertId: string) => alerts.listAudit(h.db, alertId);

  it('HZ-15 every action writes exactly one audit row naming who and when, in the same transaction', async () => {
    const alert = await h.openAlert(h.patientA, h.wardA);
    const seen = seenOf(alert);
    const actions: { path: string; body: object; action: string }[] = [
      { path: 'acknowledge', body: { seen }, action: 'acknowledged' },
      { path: 'snooze', body: { minutes: 30, seen }, action: 'snoozed' },
      { path: 'assign', body: { userId: h.users.clinicianA.id }, action: 'assigned' },
      { path: 'escalate', body: { reason: 'worsening', destination: 'ccc' }, action: 'escalated' },
      { path: 'resolve', body: { note: 'seen by GP', outcome: 'clinician-visit', seen }, action: 'resolved' },
    ];
    for (const [i, a] of actions.entries()) {
      const res = await request(h.url)
        .post(`/api/alerts/${alert.id}/${a.path}`)
        .set('Cookie', nurse)
        .send(a.body)
        .expect(200);
      const rows = await auditRows(alert.id);
      expect(rows).toHaveLength(i + 1);
      const last = rows[rows.length - 1];
      expect(last).toMatchObject({ action: a.action, actor: h.users.nurseA.id, toState: res.body.state });
      // Same transaction: the audit time is the change's own time.
      expect(last.at.toISOString()).toBe(res.body.updatedAt);
    }
  });

  it('HZ-15 a failing audit write fails the action and leaves the alert unchanged', async () => {
    const alert = await h.openAlert(h.patientA, h.wardA, 'personal-threshold');
    await h.dataSource.query(`
      CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`);
    await h.dataSource.query(
      `CREATE TRIGGER test_refuse_audit BEFORE INSERT ON alert_audit FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`,
    );
    try {
      const before = await alerts.findById(h.db, alert.id);
      const seen = seenOf(alert);
      for (const [path, body] of [
        ['acknowledge', { seen }],
        ['escalate', { reason: 'worse', destination: 'ccc' }],
        ['resolve', { note: 'fine', outcome: 'no-action', seen }],
        ['snooze', { minutes: 15, seen }],
        ['assign', { userId: h.users.nurseA.id }],
      ] as const) {
        const res = await request(h.url)
          .post(`/api/alerts/${alert.id}/${path}`)
          .set('Cookie', nurse)
          .send(body)
          .expect(500);
        expect(res.body.error.code).toBe('internal-error');
        // No internals leak: not the trigger's message, not SQL.
        expect(JSON.stringify(res.body)).not.toMatch(/audit store unavailable|INSERT|alert_audit/);
      }
      const after = await alerts.findById(h.db, alert.id);
      expect(after).toEqual(before);
      expect(await auditRows(alert.id)).toEqual([]);
    } finally {
      await h.dataSource.query(`DROP TRIGGER test_refuse_audit ON alert_audit`);
      await h.dataSource.query(`DROP FUNCTION test_refuse_audit()`);
    }
    // With the audit store back, the same action succeeds and is audited.
    await request(h.url)
      .post(`/api/alerts/${alert.id}/acknowledge`)
      .set('Cookie', nurse)
      .send({ seen: seenOf(alert) })
      .expect(200);
    expect((await auditRows(alert.id)).map((r) => r.action)).toEqual(['acknowledged']);
  });
});
