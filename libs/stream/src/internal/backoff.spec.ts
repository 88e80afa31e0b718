import { backoffDelay, resolveRetry } from './backoff';

describe('backoffDelay', () => {
  it('grows by the factor from the initial delay and stops at the maximum', () => {
    const retry = resolveRetry({ initialDelayMs: 100, factor: 2, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(retry, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('has defaults of 100 ms doubling up to 30 s', () => {
    expect(resolveRetry(undefined)).toEqual({ initialDelayMs: 100, maxDelayMs: 30_000, factor: 2 });
  });
});
