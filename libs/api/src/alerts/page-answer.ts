import type { Response } from 'express';
import type { AlertView } from '@vigil/contracts';
import type { AlertPage } from './alerts.service';

/**
 * A page of alerts as the answer: the items, `X-Next-Cursor` when more follow, and on the first page
 * `X-Total-Count` (how many match in all). The console reads every page (HZ-02).
 */
export function pageAnswer(page: AlertPage, res: Response): AlertView[] {
  if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
  if (page.total !== null) res.setHeader('X-Total-Count', String(page.total));
  return page.items;
}
