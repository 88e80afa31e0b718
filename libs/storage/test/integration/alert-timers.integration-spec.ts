import type { DataSource } from 'typeorm';
import { type AlertRecord, decideTimers, DEFAULT_ALERTING_POLICY, newAlertRecord } from '@vigil/alerting';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { AlertsRepository, openDatabase, PatientsRepository, SqlDatabase } from '../../src/index';

const NOW = new Date('2026-11-25T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const LADDER = [
  { tier: 'ward-nurse' as const, responseMinutes: 30 },
  { tier: 'ccc' as const, responseMinutes: 15 },
];

describe('the alert timers’ candidates on the real PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  const alerts = new AlertsRepository();
  let patientId: string;
  let wardId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 2 });
    sql = new SqlDatabase(ds);
    const patients = new PatientsRepository(ds);
    wardId = (await patients.createWard('Timers ward')).id;
    patientId = (
      await patients.admit({ nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Timer', wardId })
    ).id;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** One episode per subject (the open-episode index allows one per patient, rule and subject). */
  const episode = (subject: string, over: Partial<AlertRecord>): AlertRecord => ({
    ...newAlertRecord({
      patientId,
      wardId,
      ruleId: 'device-offline',
      ruleVersion: 1,
      subject,
      kind: 'technical',
      severity: 'technical',
      reason: `Device ${subject} has not been heard from`,
      band: null,
      news2Total: null,
      partial: false,
      triggeringParameters: [],
      lastObservationAt: null,
      at: minutesAgo(24 * 60),
    }),
    ...over,
  });

  it('HZ-21 alerts no timer can change never crowd out the ones that are due, however many there are', async () => {
    // Older than every due alert, so a query ordered by age would take them first and fill its limit.
    const idle = [
      // Acknowledged, its cause cleared: a person resolves it; no timer acts.
      ...['a', 'b', 'c'].map((s) =>
        episode(`ack-cleared-${s}`, {
          state: 'acknowledged',
          acknowledgedAt: minutesAgo(23 * 60),
          conditionActive: false,
        }),
      ),
      // At the top of its ladder: nowhere further to go.
      episode('top-of-ladder', {
        state: 'escalated',
        ladder: LADDER,
        tier: 'ccc',
        tierSince: minutesAgo(600),
      }),
      // Its tier took ownership after it was asked.
      episode('owned-by-its-tier', {
        state: 'escalated',
        ladder: LADDER,
        tier: 'ward-nurse',
        tierSince: minutesAgo(600),
        tierActedAt: minutesAgo(590),
      }),
      // Its tier's 30-minute target is not up yet.
      episode('tier-not-due', { ladder: LADDER, tier: 'ward-nurse', tierSince: minutesAgo(10) }),
    ];
    const due = [
      episode('open-unacknowledged', { attentionSince: minutesAgo(300) }),
      episode('acknowledged-cause-persists', {
        state: 'acknowledged',
        acknowledgedAt: minutesAgo(480),
        attentionSince: minutesAgo(600),
      }),
      episode('tier-missed-its-target', {
        ladder: LADDER,
        tier: 'ward-nurse',
        tierSince: minutesAgo(31),
        attentionSince: minutesAgo(31),
      }),
    ];
    await sql.transaction((tx) => alerts.save(tx, [...idle, ...due]));
    const candidates = await sql.transaction((tx) => alerts.lockTimerCandidates(tx, NOW, 5, due.length));
    expect(candidates.map((a) => a.subject).sort()).toEqual(due.map((a) => a.subject).sort());
    // Each of them is one a timer does change now.
    const changed = decideTimers(candidates, NOW, DEFAULT_ALERTING_POLICY).save;
    expect(changed.map((a) => a.subject).sort()).toEqual(due.map((a) => a.subject).sort());
    // And none of the idle ones would have been changed, had the query taken them.
    expect(decideTimers(idle, NOW, DEFAULT_ALERTING_POLICY).save).toEqual([]);
  });
});
