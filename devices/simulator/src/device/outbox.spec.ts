import { Outbox, type OutboxTransport } from './outbox';

/** A transport whose publishes stay pending until the test acknowledges or fails them. */
class FakeTransport implements OutboxTransport {
  connected = true;
  readonly published: { topic: string; payload: string; ack: () => void; fail: () => void }[] = [];

  isConnected(): boolean {
    return this.connected;
  }

  publish(topic: string, payload: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.published.push({
        topic,
        payload,
        ack: resolve,
        fail: () => reject(new Error('Connection closed')),
      });
    });
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it('HZ-03 keeps a message until the PUBACK arrives', async () => {
    const transport = new FakeTransport();
    const outbox = new Outbox(transport);
    outbox.enqueue('t', 'a', 1);
    expect(transport.published.map((p) => p.payload)).toEqual(['a']);
    expect(outbox.pending()).toBe(1);
    transport.published[0].ack();
    await settle();
    expect(outbox.pending()).toBe(0);
    expect(outbox.counters()).toMatchObject({ enqueued: 1, acknowledged: 1, retries: 0 });
  });

  it('holds messages enqueued while disconnected and sends them, in order, on flush after reconnect', async () => {
    const transport = new FakeTransport();
    transport.connected = false;
    const outbox = new Outbox(transport);
    outbox.enqueue('t', 'a', 1);
    outbox.enqueue('t', 'b', 2);
    expect(transport.published).toEqual([]);
    expect(outbox.waiting().map((e) => e.seq)).toEqual([1, 2]);
    transport.connected = true;
    outbox.flush();
    expect(transport.published.map((p) => p.payload)).toEqual(['a', 'b']);
    transport.published.forEach((p) => p.ack());
    await settle();
    expect(outbox.pending()).toBe(0);
  });

  it('HZ-03 resends an unacknowledged message with the same payload after its publish failed', async () => {
    const transport = new FakeTransport();
    const outbox = new Outbox(transport);
    outbox.enqueue('t', '{"seq":7}', 7);
    transport.connected = false;
    transport.published[0].fail();
    await settle();
    expect(outbox.pending()).toBe(1);
    expect(outbox.counters().retries).toBe(1);
    transport.connected = true;
    outbox.flush();
    expect(transport.published.map((p) => p.payload)).toEqual(['{"seq":7}', '{"seq":7}']);
    expect(outbox.waiting()[0].attempts).toBe(2);
    transport.published[1].ack();
    await settle();
    expect(outbox.pending()).toBe(0);
    expect(outbox.counters().acknowledged).toBe(1);
  });

  it('does not send a second copy of a message still in flight', () => {
    const transport = new FakeTransport();
    const outbox = new Outbox(transport);
    outbox.enqueue('t', 'a', 1);
    outbox.flush();
    outbox.flush();
    expect(transport.published).toHaveLength(1);
  });

  it('drops the oldest message when full, and counts it', () => {
    const transport = new FakeTransport();
    transport.connected = false;
    const outbox = new Outbox(transport, { maxEntries: 2 });
    outbox.enqueue('t', 'a', 1);
    outbox.enqueue('t', 'b', 2);
    outbox.enqueue('t', 'c', 3);
    expect(outbox.waiting().map((e) => e.seq)).toEqual([2, 3]);
    expect(outbox.counters().dropped).toBe(1);
  });

  it('refuses a seq that is already waiting', () => {
    const outbox = new Outbox(new FakeTransport());
    outbox.enqueue('t', 'a', 1);
    expect(() => outbox.enqueue('t', 'b', 1)).toThrow(RangeError);
  });

  it('drained() resolves true once everything is acknowledged, false on timeout', async () => {
    const transport = new FakeTransport();
    const outbox = new Outbox(transport);
    outbox.enqueue('t', 'a', 1);
    const drained = outbox.drained(5000);
    transport.published[0].ack();
    await expect(drained).resolves.toBe(true);
    outbox.enqueue('t', 'b', 2);
    await expect(outbox.drained(10)).resolves.toBe(false);
  });
});
