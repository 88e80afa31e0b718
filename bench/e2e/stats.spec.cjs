const { percentile, latencySummary, stepFailures, growthPerHour, median } = require('./stats.cjs');

const passing = {
  offeredPerSecond: 200,
  achievedOfferedPerSecond: 199,
  lost: 0,
  duplicated: 0,
  missedAlerts: 0,
  duplicatedAlerts: 0,
  spuriousAlerts: 0,
  expectedAlerts: 3,
  p99PublishToAlertMs: 120,
  backlogAtEnd: 200,
};

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank value of unsorted samples', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  it('is null without samples and the value itself for one', () => {
    expect(percentile([], 99)).toBeNull();
    expect(percentile([42], 99.9)).toBe(42);
  });

  it('p99.9 of 1,000 samples is the 999th smallest', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(latencySummary(values)).toMatchObject({ samples: 1000, p50: 500, p99: 990, p999: 999, max: 1000 });
  });
});

describe('stepFailures (the issue 7 pass rule)', () => {
  it('passes a step that meets every condition, backlog exactly one second included', () => {
    expect(stepFailures(passing)).toEqual([]);
  });

  it.each([
    ['lost', { lost: 1 }, /not stored/],
    ['duplicated', { duplicated: 2 }, /more than once/],
    ['missed alert', { missedAlerts: 1 }, /missed/],
    ['duplicated alert', { duplicatedAlerts: 1 }, /duplicated/],
    ['spurious alert', { spuriousAlerts: 1 }, /unexpected/],
    ['slow p99', { p99PublishToAlertMs: 250.5 }, /p99 publish→alert/],
    ['backlog over 1 s', { backlogAtEnd: 201 }, /backlog/],
    ['generator fell short', { achievedOfferedPerSecond: 150 }, /offered only/],
    ['alerts expected but none timed', { p99PublishToAlertMs: null }, /no alert latency/],
  ])('fails on %s', (_name, change, reason) => {
    const reasons = stepFailures({ ...passing, ...change });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(reason);
  });

  it('does not require a latency when no alert was expected', () => {
    expect(stepFailures({ ...passing, expectedAlerts: 0, p99PublishToAlertMs: null })).toEqual([]);
  });
});

describe('growthPerHour and median', () => {
  it('fits a straight line through the samples and scales it to an hour', () => {
    expect(
      growthPerHour([
        [0, 100],
        [60, 101],
        [120, 102],
      ]),
    ).toBeCloseTo(60);
    expect(growthPerHour([[0, 5]])).toBeNull();
    expect(
      growthPerHour([
        [10, 5],
        [10, 6],
      ]),
    ).toBeNull();
  });

  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
