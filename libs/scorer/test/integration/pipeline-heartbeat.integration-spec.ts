import type { DataSource } from 'typeorm';
import type { AlertEvent, AlertsStreamEvent, PipelineStatusEvent } from '@vigil/contracts';
import { createIngestStores, IngestService } from '@vigil/ingest';
import {
  AlertsRepository,
  DeviceRegistryRepository,
  insertDeadLetters,
  openDatabase,
  PatientsRepository,
  SqlDatabase,
} from '@vigil/storage';
import { InProcessStream, type Subscription } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { ScorerService, subscribeScorer } from '../../src/index';

const T0 = Date.parse('2026-11-25T06:00:00Z');
const SECOND = 1000;

describe('pipeline heartbeat through ingest → in-process stream → scorer (real PostgreSQL, fake clock)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let sql: SqlDatabase;
  let stream: InProcessStream;
  let subscription: Subscription;
  let ingest: IngestService;
  let scorer: ScorerService;
  let now = T0;
  const published: AlertsStreamEvent[] = [];
  const alerts = new AlertsRepository();
  const monitored: string[] = [];
  let unmonitored: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDatabase({ url: db.url, poolSize: 4 });
    sql = new SqlDatabase(ds);
    const patients = new PatientsRepository(ds);
    const registry = new DeviceRegistryRepository(ds);
    const ward = await patients.createWard('Heartbeat ward');
    const nhs = ['9434765919', '9434765870', '4010232137'];
    for (const [i, nhsNumber] of nhs.entries()) {
      const p = await patients.admit({ nhsNumber, givenName: `P${i}`, familyName: 'Beat', wardId: ward.id });
      if (i === 2) {
        unmonitored = p.id;
        continue;
      }
      const { device } = await registry.provision({ kind: 'pulse-oximeter', id: `ox-beat-${i}` });
      await registry.bind({ deviceId: device.id, patientId: p.id, from: new Date(T0 - 60 * SECOND) });
      monitored.push(p.id);
    }
    const clock = () => new Date(now);
    stream = new InProcessStream({ partitions: 2 });
    scorer = new ScorerService(sql, async (events) => void published.push(...events), {
      clock,
      config: { pipelineStallSeconds: 120 },
    });
    subscription = await subscribeScorer(stream, scorer, (records) => insertDeadLetters(sql, records));
    ingest = new IngestService(createIngestStores(ds), stream, clock);
  });

  afterAll(async () => {
    await subscription?.close();
    await stream?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const statuses = () => published.filter((e): e is PipelineStatusEvent => e.type === 'pipeline.status');
  const pipelineAlerts = () =>
    published.filter(
      (e): e is AlertEvent =>
        e.type.startsWith('alert.') && 'alert' in e && e.alert.ruleId === 'pipeline-stalled',
    );

  it('HZ-01 a stalled heartbeat raises a technical alert and a pipeline status event; resumed beats clear it', async () => {
    // A beat travels the whole path: publish resolves once the scorer has committed it.
    await ingest.emitPipelineHeartbeat('ingest-1');
    now = T0 + 30 * SECOND;
    await scorer.runTimers();
    // Healthy from the start: status events announce changes only.
    expect(statuses()).toEqual([]);
    expect(pipelineAlerts()).toEqual([]);

    // No beat for longer than the stall limit.
    now = T0 + 121 * SECOND;
    await scorer.runTimers();
    expect(statuses().map((s) => s.healthy)).toEqual([false]);
    expect(statuses()[0]).toMatchObject({ lastHeartbeatAt: new Date(T0).toISOString() });
    const opened = pipelineAlerts();
    expect(opened.map((e) => [e.type, e.alert.kind, e.alert.severity, e.alert.patientId]).sort()).toEqual(
      monitored.map((id) => ['alert.opened', 'technical', 'technical', id]).sort(),
    );
    expect(opened[0].alert.reason).toMatch(/No pipeline heartbeat since .* \(more than 120 seconds\)/);
    // HZ-06: the alert's last reading is the patient's own (none here), never the tick that found the stall.
    expect(opened.map((e) => e.alert.lastObservationAt)).toEqual(monitored.map(() => null));

    // Still stalled: one episode per patient, no repeat event, no repeat status.
    now = T0 + 200 * SECOND;
    await scorer.runTimers();
    expect(pipelineAlerts()).toHaveLength(monitored.length);
    expect(statuses()).toHaveLength(1);
    for (const id of monitored) {
      expect((await alerts.listForPatient(sql, id)).map((a) => [a.ruleId, a.state])).toEqual([
        ['pipeline-stalled', 'open'],
      ]);
    }
    expect(await alerts.listForPatient(sql, unmonitored)).toEqual([]);

    // Beats resume: the scorer reports healthy as the beat commits, and its timer closes the episodes.
    now = T0 + 240 * SECOND;
    await ingest.emitPipelineHeartbeat('ingest-1');
    expect(statuses().map((s) => s.healthy)).toEqual([false, true]);
    now = T0 + 250 * SECOND;
    await scorer.runTimers();
    const resolved = pipelineAlerts().filter((e) => e.type === 'alert.resolved');
    expect(resolved.map((e) => e.alert.patientId).sort()).toEqual([...monitored].sort());
    expect(statuses()).toHaveLength(2);
    for (const id of monitored) {
      const [episode] = await alerts.listForPatient(sql, id);
      expect(episode.state).toBe('resolved');
      expect((await alerts.listAudit(sql, episode.id)).map((a) => a.action)).toEqual([
        'opened',
        'auto-resolved',
      ]);
    }

    // A second stall opens a new episode rather than re-using the closed one.
    now = T0 + 400 * SECOND;
    await scorer.runTimers();
    expect(statuses().map((s) => s.healthy)).toEqual([false, true, false]);
    for (const id of monitored) {
      expect((await alerts.listForPatient(sql, id)).map((a) => a.state).sort()).toEqual(['open', 'resolved']);
    }
  });
});
