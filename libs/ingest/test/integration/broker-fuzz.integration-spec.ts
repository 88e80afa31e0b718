import { runBrokerFuzz } from '../fuzz/broker-fuzz';

// Issue 12's fuzzing bench in its short form (`npm run fuzz -- --messages 1000000` runs the long one): mutated
// and random payloads through the embedded broker into ingest on the real PostgreSQL.
jest.setTimeout(600_000);

describe('fuzzing the broker and ingest (HZ-13, HZ-25)', () => {
  it('10,000 mutated messages: no crash, and every acknowledged message is stored, dead-lettered or a redelivery', async () => {
    const messages = Number(process.env['FUZZ_MESSAGES'] ?? 10_000);
    const result = await runBrokerFuzz({ messages, seed: Number(process.env['FUZZ_SEED'] ?? 20261205) });
    if (process.env['FUZZ_REPORT']) console.log(JSON.stringify(result, null, 2));
    expect(result.sent).toBe(messages);
    expect(result.crashMessages).toEqual([]);
    expect(result.crashes).toBe(0);
    expect(result.unaccounted).toBe(0);
    expect(result.acknowledged).toBe(result.sent - result.refusedOversize);
    expect(result.oversizeDeadLetters).toBe(result.refusedOversize);
    expect(result.refusedOversize).toBeGreaterThan(0);
    expect(result.deadLetterRows).toBe(result.deadLetterEvents);
    // The mix exercises every path.
    expect(result.stored).toBeGreaterThan(0);
    expect(result.deadLettered).toBeGreaterThan(0);
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.statuses).toBeGreaterThan(0);
  });
});
