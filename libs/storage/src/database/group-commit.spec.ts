import { GroupCommit } from './group-commit';

describe('GroupCommit (issue 11)', () => {
  it('writes concurrent callers in one flush and gives each its own results after it', async () => {
    const flushes: number[][] = [];
    const gc = new GroupCommit<number, string>({
      lingerMs: 5,
      flush: async (items) => {
        flushes.push([...items]);
        return items.map((i) => `id-${i}`);
      },
    });
    const results = await Promise.all([gc.add([1, 2]), gc.add([3]), gc.add([4, 5, 6])]);
    expect(results).toEqual([['id-1', 'id-2'], ['id-3'], ['id-4', 'id-5', 'id-6']]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(gc.stats).toEqual({ flushes: 1, items: 6, failures: 0 });
  });

  it('gathers what arrives during a flush into the next one, never more than maxItems at once', async () => {
    const flushes: number[][] = [];
    let open: () => void = () => undefined;
    const gc = new GroupCommit<number, number>({
      lingerMs: 0,
      maxItems: 3,
      flush: async (items) => {
        flushes.push([...items]);
        if (flushes.length === 1) await new Promise<void>((r) => (open = r));
        return [...items];
      },
    });
    const first = gc.add([1]);
    const rest = [gc.add([2]), gc.add([3]), gc.add([4]), gc.add([5])];
    open();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('rejects every caller of a failed flush (nothing acknowledged that was not written), and carries on', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>({
      lingerMs: 1,
      flush: async (items) => {
        if (fail) throw new Error('database down');
        return [...items];
      },
    });
    const outcomes = await Promise.allSettled([gc.add([1]), gc.add([2])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(gc.add([3])).resolves.toEqual([3]);
    expect(gc.stats.failures).toBe(1);
  });
});
