import { Registry } from 'prom-client';
import { registerStreamMetrics, startOpsServer, type OpsServer } from './ops-server';

describe('ops server (/health, /metrics) on a real loopback port', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const consumer = {
    topic: 'vitals.observations',
    groupId: 'vigil-scorer',
    state: 'running',
    deadLettered: 2,
    lag: 7,
    oldestPendingAgeMs: 1500,
    lastBatchSize: 40,
    assignedPartitions: 4,
  };

  it('answers 200 with every check up, and serves the stream metrics', async () => {
    const registry = new Registry();
    registerStreamMetrics(registry, { health: () => ({ consumers: [consumer] }) });
    server = await startOpsServer({
      port: 0,
      registry,
      checks: [{ name: 'database', check: async () => ({ up: true }) }],
    });
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', info: { database: { status: 'up' } }, error: {} });
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toContain(
      'vigil_stream_consumer_lag_records{topic="vitals.observations",group="vigil-scorer"} 7',
    );
    expect(metrics).toContain(
      'vigil_stream_consumer_oldest_pending_seconds{topic="vitals.observations",group="vigil-scorer"} 1.5',
    );
    expect(metrics).toContain('vigil_stream_consumer_up{topic="vitals.observations",group="vigil-scorer"} 1');
    expect(metrics).toContain(
      'vigil_stream_consumer_assigned_partitions{topic="vitals.observations",group="vigil-scorer"} 4',
    );
  });

  it('answers 503 naming the check that is down, failed or too slow', async () => {
    const registry = new Registry();
    registerStreamMetrics(registry, { health: () => ({ consumers: [{ ...consumer, state: 'crashed' }] }) });
    server = await startOpsServer({
      port: 0,
      registry,
      checkTimeoutMs: 50,
      checks: [
        { name: 'stream', check: async () => ({ up: false, details: { message: 'a consumer crashed' } }) },
        {
          name: 'database',
          check: async () => {
            throw new Error('ECONNREFUSED');
          },
        },
        { name: 'mqtt', check: () => new Promise(() => undefined) },
      ],
    });
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: 'error',
      info: {},
      error: {
        stream: { status: 'down', message: 'a consumer crashed' },
        database: { status: 'down', message: 'ECONNREFUSED' },
        mqtt: { status: 'down', message: 'no answer within 50 ms' },
      },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toContain('vigil_stream_consumer_up{topic="vitals.observations",group="vigil-scorer"} 0');
    expect((await fetch(`http://127.0.0.1:${server.port}/patients`)).status).toBe(404);
  });
});
