import { streamTopics, type VitalsStreamEvent, vitalsStreamKey } from '@vigil/contracts';
import { InProcessStream } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import { type RunningScorer, startScorerApp } from '../../src/scorer-app';

jest.setTimeout(30_000);

describe('the scorer entry point (distributed mode, no HTTP)', () => {
  let db: TestDatabase;
  let stream: InProcessStream;
  let scorer: RunningScorer | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('vigil_scorer_app');
  });

  afterAll(async () => {
    await scorer?.stop();
    await db?.drop();
  });

  it('migrates the database, consumes vitals.observations and records what it consumed', async () => {
    stream = new InProcessStream({ partitions: 2 });
    scorer = await startScorerApp({ databaseUrl: db.url, stream, scorer: { timerIntervalMs: 3_600_000 } });
    const beat: VitalsStreamEvent = {
      type: 'pipeline-heartbeat',
      heartbeatId: 'scorer-app-test:1',
      emittedAt: new Date().toISOString(),
      source: 'scorer-app-test',
    };
    // In-process, publish resolves once the scorer's consumer group has committed the record.
    await stream.publish(streamTopics.observations, [{ key: vitalsStreamKey(beat), value: beat }]);
    const rows: { heartbeat_id: string }[] = await scorer.dataSource.query(
      'SELECT heartbeat_id FROM pipeline_heartbeats WHERE source = $1',
      ['scorer-app-test'],
    );
    expect(rows).toEqual([{ heartbeat_id: 'scorer-app-test:1' }]);
  });

  it('stop() closes its stream and its database pool', async () => {
    const running = scorer!;
    await running.stop();
    scorer = null;
    expect(running.dataSource.isInitialized).toBe(false);
    await expect(stream.publish(streamTopics.observations, [{ key: 'k', value: {} }])).rejects.toThrow(
      /closed/,
    );
  });
});
