import { startPipelineHeartbeat } from './pipeline-heartbeat';

describe('startPipelineHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats at once and then every interval until stopped', async () => {
    const sources: string[] = [];
    const beat = startPipelineHeartbeat(
      { emitPipelineHeartbeat: async (source) => void sources.push(source) },
      { source: 'ingest-1', intervalMs: 1000 },
    );
    await jest.advanceTimersByTimeAsync(2500);
    expect(sources).toEqual(['ingest-1', 'ingest-1', 'ingest-1']);
    expect(beat.sent()).toBe(3);
    beat.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(sources).toHaveLength(3);
  });

  it('never stacks a beat on one still waiting for the stream, and reports failures', async () => {
    let calls = 0;
    let release!: () => void;
    const errors: string[] = [];
    const beat = startPipelineHeartbeat(
      {
        emitPipelineHeartbeat: () => {
          calls += 1;
          if (calls === 1) return new Promise<void>((r) => (release = r));
          return Promise.reject(new Error('stream closed'));
        },
      },
      { source: 'ingest-1', intervalMs: 1000, onError: (e) => errors.push(e.message) },
    );
    await jest.advanceTimersByTimeAsync(3500);
    expect(calls).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(errors).toEqual(['stream closed']);
    expect(beat.sent()).toBe(1);
    beat.stop();
  });
});
