import { MAX_QUEUE_PAGES, queueCountText, readWholeQueue } from './alert-queue';
import type { Page } from './http.client';

type Item = { id: string; severity?: string };

/** An api that pages `all` by `size`, as GET /alerts does (the first page carries the total). */
function pagedApi(all: Item[], size: number) {
  const asked: (string | undefined)[] = [];
  const getPage = async (cursor: string | undefined): Promise<Page<Item>> => {
    asked.push(cursor);
    const from = cursor ? Number(cursor) : 0;
    const items = all.slice(from, from + size);
    return {
      items,
      nextCursor: from + size < all.length ? String(from + size) : null,
      total: cursor ? null : all.length,
    };
  };
  return { getPage, asked };
}

const alerts = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ id: `a${i}` }));

describe('readWholeQueue', () => {
  it('HZ-02 reads every page of the queue: no active alert past the first 500 is hidden', async () => {
    const { getPage, asked } = pagedApi(alerts(1_234), 500);
    const queue = await readWholeQueue(getPage);
    expect(queue.items.map((a) => a.id)).toEqual(alerts(1_234).map((a) => a.id));
    expect(queue).toMatchObject({ total: 1_234, complete: true });
    expect(asked).toEqual([undefined, '500', '1000']);
    expect(queueCountText(queue, 'active alert')).toBe('1,234 active alerts');
  });

  it('HZ-02 stops at a sane bound and says "showing N of M" instead of a silently short list', async () => {
    const { getPage, asked } = pagedApi(alerts(5_600), 500);
    const queue = await readWholeQueue(getPage);
    expect(asked).toHaveLength(MAX_QUEUE_PAGES);
    expect(queue).toMatchObject({ total: 5_600, complete: false });
    expect(queue.items).toHaveLength(5_000);
    expect(queueCountText(queue, 'active alert')).toBe('Showing 5,000 of 5,600 active alerts');
  });

  it('keeps one copy of an alert that moved to a later page while the pages were read (the newer one)', async () => {
    const pages: Page<Item>[] = [
      {
        items: [
          { id: 'a', severity: 'high' },
          { id: 'b', severity: 'high' },
        ],
        nextCursor: 'x',
        total: 3,
      },
      {
        items: [
          { id: 'b', severity: 'medium' },
          { id: 'c', severity: 'low' },
        ],
        nextCursor: null,
        total: null,
      },
    ];
    const queue = await readWholeQueue(async (cursor) => pages[cursor ? 1 : 0] as Page<Item>);
    expect(queue.items).toEqual([
      { id: 'a', severity: 'high' },
      { id: 'b', severity: 'medium' },
      { id: 'c', severity: 'low' },
    ]);
    expect(queueCountText(queue, 'escalated alert')).toBe('3 escalated alerts');
  });
});
