import type { Page } from './http.client';

/**
 * The most pages a queue reads in one refresh: 10 of the api's 500, so 5,000 alerts. Past that the page
 * says how many it shows of how many (`queueCountText`), never silently fewer.
 */
export const MAX_QUEUE_PAGES = 10;

/** A whole alert queue as read from a paged list. */
export interface Queue<T> {
  items: T[];
  /** How many the api says match in all (its first page's `X-Total-Count`); the items' count if it did not say. */
  total: number;
  /** False when reading stopped at `MAX_QUEUE_PAGES` with more pages to come. */
  complete: boolean;
}

/**
 * HZ-02: reads every page of an alert list (following `X-Next-Cursor`), so no active alert past the
 * first page is hidden. Pages are read one after another while alerts change; an alert whose severity
 * changed between two pages may come twice (the later copy, which is newer, is kept) or be missed in this
 * round — its change event makes the queue refetch at once.
 */
export async function readWholeQueue<T extends { id: string }>(
  getPage: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = MAX_QUEUE_PAGES,
): Promise<Queue<T>> {
  const byId = new Map<string, T>();
  let total: number | null = null;
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await getPage(cursor);
    if (pages === 0) total = page.total;
    for (const item of page.items) byId.set(item.id, item);
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor !== undefined && pages < maxPages);
  const items = [...byId.values()];
  return { items, total: Math.max(total ?? items.length, items.length), complete: cursor === undefined };
}

/**
 * What a queue's caption says about its size: "N active alerts", or, when reading stopped short,
 * "Showing N of M active alerts" (HZ-02: a bounded list says so).
 */
export function queueCountText(
  queue: Pick<Queue<unknown>, 'items' | 'total' | 'complete'>,
  what: string,
): string {
  const n = queue.items.length;
  const noun = (count: number) => `${count.toLocaleString('en-GB')} ${what}${count === 1 ? '' : 's'}`;
  return queue.complete ? noun(n) : `Showing ${n.toLocaleString('en-GB')} of ${noun(queue.total)}`;
}
