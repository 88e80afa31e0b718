import { everyText, statusCounts } from './schedule-format';

describe('schedule format', () => {
  it('says when a schedule is tightened and counts statuses', () => {
    expect(everyText({ everyMinutes: 60, tightened: true })).toMatch(/tightened: NEWS2 5 or more/);
    const r = (status: 'done' | 'due' | 'overdue') => ({
      parameter: 'spo2',
      everyMinutes: 60,
      graceMinutes: 0,
      tightened: false,
      lastAt: null,
      dueAt: '',
      overdueAt: '',
      status,
    });
    expect(statusCounts([r('done'), r('overdue'), r('overdue'), r('due')])).toEqual({
      overdue: 2,
      due: 1,
      done: 1,
    });
  });
});
