import { deferred } from '../internal/deferred';
import { partitionFor } from '../partitioner';
import type { ConsumedBatch, StreamErrorContext } from '../stream.port';
import { InProcessStream } from './in-process-stream';

/** Behaviour specific to the in-process adapter; the shared behaviour is in stream.contract.spec.ts. */
describe('InProcessStream', () => {
  const streams: InProcessStream[] = [];
  const open = (options: ConstructorParameters<typeof InProcessStream>[0] = {}): InProcessStream => {
    const stream = new InProcessStream({ retry: { initialDelayMs: 1, maxDelayMs: 2 }, ...options });
    streams.push(stream);
    return stream;
  };
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  it.each([
    [{ partitions: 0 }],
    [{ partitions: 2.5 }],
    [{ partitionCapacity: 0 }],
    [{ retry: { initialDelayMs: -1 } }],
    [{ retry: { factor: 0.5 } }],
    [{ retry: { maxDelayMs: Number.NaN } }],
  ])('rejects invalid options %j', (options) => {
    expect(() => new InProcessStream(options)).toThrow(RangeError);
  });

  it('rejects invalid subscriptions and records', async () => {
    const stream = open();
    const handle = async (): Promise<void> => undefined;
    await expect(stream.subscribe({ topic: '', groupId: 'g', handle })).rejects.toThrow(TypeError);
    await expect(stream.subscribe({ topic: 't', groupId: '', handle })).rejects.toThrow(TypeError);
    await expect(stream.subscribe({ topic: 't', groupId: 'g', maxBatchSize: 0, handle })).rejects.toThrow(
      RangeError,
    );
    await expect(stream.subscribe({ topic: 't', groupId: 'g', closeTimeoutMs: -1, handle })).rejects.toThrow(
      RangeError,
    );
    await expect(
      stream.subscribe({ topic: 't', groupId: 'g', handle: undefined as unknown as () => Promise<void> }),
    ).rejects.toThrow(TypeError);
    await expect(stream.publish('', [{ key: 'k', value: 1 }])).rejects.toThrow(TypeError);
    await expect(stream.publish('t', [{ key: 7 as unknown as string, value: 1 }])).rejects.toThrow(TypeError);
    expect(stream.stats('t')).toBeUndefined();
  });

  it('uses 8 partitions by default', async () => {
    const stream = open();
    await stream.ensureTopics(['t']);
    expect(stream.stats('t')?.partitions).toHaveLength(8);
    expect(stream.stats('t')?.capacityPerPartition).toBe(1000);
  });

  it('splits the partitions of a group between its subscribers, and moves them when one leaves', async () => {
    const stream = open({ partitions: 4 });
    const seenBy: Record<string, Set<number>> = { a: new Set(), b: new Set() };
    const a = await stream.subscribe({
      topic: 't',
      groupId: 'g',
      handle: async (batch) => void seenBy.a.add(batch.partition),
    });
    await stream.subscribe({
      topic: 't',
      groupId: 'g',
      handle: async (batch) => void seenBy.b.add(batch.partition),
    });
    const keys = Array.from({ length: 64 }, (_, i) => `patient-${i}`);
    await stream.publish(
      't',
      keys.map((key) => ({ key, value: key })),
    );
    expect([...seenBy.a].sort()).toEqual([0, 2]);
    expect([...seenBy.b].sort()).toEqual([1, 3]);

    await a.close();
    seenBy.b.clear();
    await stream.publish(
      't',
      keys.map((key) => ({ key, value: key })),
    );
    expect([...seenBy.b].sort()).toEqual([0, 1, 2, 3]);
    expect(stream.stats('t')?.groups).toEqual([
      expect.objectContaining({ groupId: 'g', subscribers: 1, lag: 0 }),
    ]);
  });

  it('keeps a group whose subscribers all left: what is published meanwhile waits for its return', async () => {
    const stream = open({ partitions: 1 });
    const first = await stream.subscribe({ topic: 't', groupId: 'g', handle: async () => undefined });
    await stream.publish('t', [{ key: 'k', value: 1 }]);
    await first.close();

    let resolved = false;
    const published = stream.publish('t', [{ key: 'k', value: 2 }]).then(() => {
      resolved = true;
    });
    await new Promise<void>((r) => setImmediate(r));
    expect(resolved).toBe(false);
    expect(stream.stats('t')?.groups[0]).toEqual(
      expect.objectContaining({ subscribers: 0, lag: 1, committed: ['1'] }),
    );

    const values: unknown[] = [];
    await stream.subscribe({
      topic: 't',
      groupId: 'g',
      handle: async (b) => void values.push(...b.records.map((r) => r.value)),
    });
    await published;
    expect(values).toEqual([2]);
  });

  it('starts a later group at the end: retained records belong to the groups that existed', async () => {
    const stream = open({ partitions: 1 });
    const hold = deferred<void>();
    const started = deferred<void>();
    await stream.subscribe({
      topic: 't',
      groupId: 'first',
      handle: async () => {
        started.resolve();
        await hold.promise;
      },
    });
    const early = stream.publish('t', [{ key: 'k', value: 'early' }]);
    await started.promise;
    const later: unknown[] = [];
    await stream.subscribe({
      topic: 't',
      groupId: 'later',
      handle: async (b) => void later.push(...b.records.map((r) => r.value)),
    });
    hold.resolve();
    await early;
    await stream.publish('t', [{ key: 'k', value: 'after' }]);
    expect(later).toEqual(['after']);
  });

  it('does not hand a batch to a subscription closed before its delivery', async () => {
    const stream = open({ partitions: 1 });
    const calls: string[] = [];
    const sub = await stream.subscribe({
      topic: 't',
      groupId: 'g',
      closeTimeoutMs: 0,
      handle: async () => void calls.push('closed one'),
    });
    const published = stream.publish('t', [{ key: 'k', value: 1 }]);
    await sub.close(); // same tick as the publish: the batch was scheduled but not yet delivered
    await stream.subscribe({ topic: 't', groupId: 'g', handle: async () => void calls.push('next one') });
    await published;
    expect(calls).toEqual(['next one']);
  });

  it('reports, as abandoned, a rejection from a handler it gave up on', async () => {
    const stream = open({ partitions: 1 });
    const errors: StreamErrorContext[] = [];
    const fail = deferred<void>();
    const started = deferred<void>();
    const sub = await stream.subscribe({
      topic: 't',
      groupId: 'g',
      closeTimeoutMs: 0,
      onError: (_e, context) => errors.push(context),
      handle: async () => {
        started.resolve();
        await fail.promise;
      },
    });
    const published = stream.publish('t', [{ key: 'k', value: 1 }]);
    await started.promise;
    await sub.close();
    fail.reject(new Error('late failure'));
    await stream.subscribe({ topic: 't', groupId: 'g', handle: async () => undefined });
    await published;
    await new Promise<void>((r) => setImmediate(r));
    expect(errors).toEqual([
      expect.objectContaining({ phase: 'abandoned', topic: 't', groupId: 'g', partition: 0 }),
    ]);
  });

  it('abandons a handler that outlives the close timeout', async () => {
    const stream = open({ partitions: 1 });
    const never = deferred<void>();
    const started = deferred<void>();
    const sub = await stream.subscribe({
      topic: 't',
      groupId: 'g',
      closeTimeoutMs: 1,
      handle: async () => {
        started.resolve();
        await never.promise;
      },
    });
    const published = stream.publish('t', [{ key: 'k', value: 1 }]);
    await started.promise;
    await sub.close();
    const next: ConsumedBatch[] = [];
    await stream.subscribe({ topic: 't', groupId: 'g', handle: async (b) => void next.push(b) });
    await published;
    never.resolve();
    expect(next.map((b) => b.records[0].value)).toEqual([1]);
  });

  it('hands a failing batch to a new owner at once instead of waiting out the backoff', async () => {
    const stream = new InProcessStream({
      partitions: 1,
      retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    streams.push(stream);
    const failed = deferred<void>();
    const contexts: StreamErrorContext[] = [];
    const first = await stream.subscribe({
      topic: 't',
      groupId: 'g',
      onError: (_e, context) => {
        contexts.push(context);
        failed.resolve();
      },
      handle: async () => {
        throw new Error('fails');
      },
    });
    const published = stream.publish('t', [{ key: 'k', value: 1 }]);
    await failed.promise;
    expect(contexts[0]).toEqual(expect.objectContaining({ retryInMs: 60_000, attempt: 1 }));
    await first.close();
    const values: unknown[] = [];
    await stream.subscribe({
      topic: 't',
      groupId: 'g',
      handle: async (b) => void values.push(b.records[0].value),
    });
    await published;
    expect(values).toEqual([1]);
  });

  it('logs errors as JSON when no reporter is given, and survives a reporter that throws', async () => {
    const lines: Record<string, unknown>[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    });
    try {
      const stream = new InProcessStream({ partitions: 1, retry: { initialDelayMs: 0 } });
      streams.push(stream);
      let gCalls = 0;
      await stream.subscribe({
        topic: 't',
        groupId: 'g',
        handle: async () => {
          gCalls += 1;
          if (gCalls === 1) throw new Error('first');
        },
      });
      let hCalls = 0;
      await stream.subscribe({
        topic: 't',
        groupId: 'h',
        onError: () => {
          throw new Error('reporter broke');
        },
        handle: async () => {
          hCalls += 1;
          if (hCalls === 1) throw new Error('second');
        },
      });
      await stream.publish('t', [{ key: 'k', value: 1 }]);
      spy.mockRestore();
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          name: 'vigil-stream',
          msg: 'stream handle failed',
          topic: 't',
          groupId: 'g',
          partition: 0,
          err: expect.objectContaining({ message: 'first' }),
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: 'the onError handler threw',
          err: expect.objectContaining({ message: 'reporter broke' }),
          reported: expect.objectContaining({ message: 'second' }),
        }),
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('retains at most the capacity per partition for a topic nobody consumes yet', async () => {
    const stream = open({ partitions: 2, partitionCapacity: 3 });
    const key = 'patient-1';
    const pending = Array.from({ length: 5 }, (_, i) => stream.publish('t', [{ key, value: i }]));
    const stats = stream.stats('t')!.partitions[partitionFor(key, 2)];
    expect(stats).toEqual(
      expect.objectContaining({ retained: 3, waitingToAppend: 2, highWater: 3, nextOffset: '3' }),
    );
    const values: unknown[] = [];
    await stream.subscribe({
      topic: 't',
      groupId: 'g',
      handle: async (b) => void values.push(...b.records.map((r) => r.value)),
    });
    await Promise.all(pending);
    expect(values).toEqual([0, 1, 2, 3, 4]);
  });
});
