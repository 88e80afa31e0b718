import type { ScheduledReadingView } from '@vigil/contracts';
import { formatWindow } from '../common/format';

/** A schedule status in words (never colour alone): the NHS tag colour goes with the word. */
export const STATUS_TAG: Readonly<
  Record<ScheduledReadingView['status'], { text: string; modifier: 'green' | 'yellow' | 'red' }>
> = {
  done: { text: 'Done', modifier: 'green' },
  due: { text: 'Due', modifier: 'yellow' },
  overdue: { text: 'Overdue', modifier: 'red' },
};

export function everyText(r: Pick<ScheduledReadingView, 'everyMinutes' | 'tightened'>): string {
  return `Every ${formatWindow(r.everyMinutes)}${r.tightened ? ' (tightened: NEWS2 5 or more)' : ''}`;
}

/** Counts by status for the ward view's summary column. */
export function statusCounts(readings: readonly ScheduledReadingView[]): {
  overdue: number;
  due: number;
  done: number;
} {
  return {
    overdue: readings.filter((r) => r.status === 'overdue').length,
    due: readings.filter((r) => r.status === 'due').length,
    done: readings.filter((r) => r.status === 'done').length,
  };
}
