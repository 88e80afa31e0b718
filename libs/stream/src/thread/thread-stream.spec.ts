import { MessageChannel } from 'node:worker_threads';
import { InProcessStream } from '../in-process/in-process-stream';
import type { ConsumedBatch, StreamErrorContext } from '../stream.port';
import { serveStreamToThread, ThreadStream } from './thread-stream';

// Both ends on one thread (a MessageChannel), the main thread's stream real: what crosses is what a worker
// thread would send and receive. The scorer thread's test (libs/scorer) runs a real worker.
describe('ThreadStream over serveStreamToThread', () => {
  let stream: InProcessStream;
  let channel: MessageChannel;
  let thread: ThreadStream;
  let host: ReturnType<typeof serveStreamToThread>;
  const reported: { error: unknown; context: StreamErrorContext }[] = [];

  beforeEach(() => {
    reported.length = 0;
    stream = new InProcessStream({ partitions: 2, retry: { initialDelayMs: 5, maxDelayMs: 5 } });
    channel = new MessageChannel();
    host = serveStreamToThread(stream, channel.port1);
    thread = new ThreadStream(channel.port2, {
      concurrentPartitionBatches: stream.concurrentPartitionBatches,
      onError: (error, context) => reported.push({ error, context }),
    });
  });

  afterEach(async () => {
    await thread.close();
    await host.close();
    await stream.close();
    channel.port1.close();
    channel.port2.close();
  });

  it('HZ-03 commits a batch only once the thread handled it: the publish waits for the thread', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: ConsumedBatch<{ n: number; at: string }>[] = [];
    await thread.subscribe<{ n: number; at: string }>({
      topic: 'vitals',
      groupId: 'scorer',
      handle: async (batch) => {
        seen.push(batch);
        await gate;
      },
    });
    let settled = false;
    const published = stream
      .publish('vitals', [{ key: 'p1', value: { n: 1, at: new Date(0) } }])
      .then(() => (settled = true));
    await until(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    release();
    await published;
    // Parsed on the thread from the JSON text: the Date arrives as the string JSON makes of it.
    expect(seen[0].records.map((r) => [r.key, r.value, r.offset])).toEqual([
      ['p1', { n: 1, at: '1970-01-01T00:00:00.000Z' }, '0'],
    ]);
    expect(stream.stats('vitals')?.groups[0]).toMatchObject({ groupId: 'scorer', lag: 0 });
  });

  it('redelivers a batch the thread failed, reporting the error there with its name and code', async () => {
    let attempts = 0;
    await thread.subscribe({
      topic: 'vitals',
      groupId: 'scorer',
      handle: async () => {
        attempts += 1;
        if (attempts === 1)
          throw Object.assign(new Error('connection reset'), { name: 'DatabaseError', code: '08006' });
      },
    });
    await stream.publish('vitals', [{ key: 'p1', value: 1 }]);
    expect(attempts).toBe(2);
    expect(reported).toHaveLength(1);
    expect(reported[0].context).toMatchObject({ phase: 'handle', groupId: 'scorer', attempt: 1 });
    expect(reported[0].error).toMatchObject({
      name: 'DatabaseError',
      message: 'connection reset',
      code: '08006',
    });
  });

  it('a value the thread cannot decode fails the batch like a throwing handler', async () => {
    let decoded = 0;
    await thread.subscribe<number>({
      topic: 'vitals',
      groupId: 'scorer',
      decode: (value) => {
        decoded += 1;
        if (decoded === 1) throw new TypeError('not a number');
        return value as number;
      },
      handle: async () => undefined,
    });
    await stream.publish('vitals', [{ key: 'p1', value: 7 }]);
    expect(decoded).toBe(2);
    expect(reported[0].error).toMatchObject({ name: 'TypeError', message: 'not a number' });
  });

  it('publishes from the thread to the main thread, resolving when the main thread’s stream did', async () => {
    const received: unknown[] = [];
    await stream.subscribe({
      topic: 'alerts',
      groupId: 'api',
      handle: async (batch) => {
        received.push(...batch.records.map((r) => [r.key, r.value, r.headers]));
      },
    });
    await thread.publish('alerts', [
      { key: 'p1', value: { type: 'alert.opened', at: new Date(0) }, headers: { trace: 't1' } },
      { key: 'p2', value: undefined },
    ]);
    expect(received).toEqual(
      expect.arrayContaining([
        ['p1', { type: 'alert.opened', at: '1970-01-01T00:00:00.000Z' }, { trace: 't1' }],
        ['p2', null, {}],
      ]),
    );
  });

  it('rejects, on the thread, what the main thread’s stream refuses, and what cannot be serialised', async () => {
    await expect(thread.publish('', [{ key: 'p1', value: 1 }])).rejects.toThrow(
      'topic must be a non-empty string',
    );
    await expect(thread.publish('alerts', [{ key: 'p1', value: 1n }])).rejects.toThrow(TypeError);
    await expect(
      thread.subscribe({ topic: 'vitals', groupId: '', handle: async () => undefined }),
    ).rejects.toThrow('groupId must be a non-empty string');
  });

  it('HZ-03 a batch held by a thread that is gone goes back, uncommitted, to the group’s next subscriber', async () => {
    let delivered = 0;
    await thread.subscribe({
      topic: 'vitals',
      groupId: 'scorer',
      // Never answers: the thread died while handling it.
      handle: () => {
        delivered += 1;
        return new Promise<void>(() => undefined);
      },
    });
    const published = stream.publish('vitals', [{ key: 'p1', value: 'reading' }]);
    await until(() => delivered === 1);
    await host.close();
    channel.port1.close();
    const next: unknown[] = [];
    const subscription = await stream.subscribe({
      topic: 'vitals',
      groupId: 'scorer',
      handle: async (batch) => {
        next.push(...batch.records.map((r) => r.value));
      },
    });
    await published;
    expect(next).toEqual(['reading']);
    await subscription.close();
    // And the thread, cut off, is told so instead of waiting for ever.
    await expect(thread.publish('alerts', [{ key: 'k', value: 1 }])).rejects.toThrow('stream is gone');
  });

  it('closing a subscription on the thread ends its group membership on the main thread', async () => {
    const subscription = await thread.subscribe({
      topic: 'vitals',
      groupId: 'scorer',
      handle: async () => undefined,
    });
    expect(stream.stats('vitals')?.groups[0].subscribers).toBe(1);
    await subscription.close();
    expect(stream.stats('vitals')?.groups[0].subscribers).toBe(0);
    await thread.close();
    await expect(thread.publish('alerts', [{ key: 'k', value: 1 }])).rejects.toThrow('The stream is closed');
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
