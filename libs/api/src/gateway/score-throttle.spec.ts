import { PerKeyThrottle } from './score-throttle';

describe('PerKeyThrottle (issue 11: at most one score event per patient per second)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first at once, holds the rest of the second and then sends only the newest', () => {
    const sent: string[] = [];
    const throttle = new PerKeyThrottle<string>(1000, (v) => sent.push(v));
    throttle.offer('p1', 'a');
    throttle.offer('p1', 'b');
    throttle.offer('p1', 'c');
    throttle.offer('p2', 'x'); // another patient is not held up
    expect(sent).toEqual(['a', 'x']);
    jest.advanceTimersByTime(999);
    expect(sent).toEqual(['a', 'x']);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual(['a', 'x', 'c']); // never ends on a stale score
    expect(throttle.coalesced).toBe(1);
    jest.advanceTimersByTime(5000);
    expect(sent).toEqual(['a', 'x', 'c']);
    throttle.offer('p1', 'd');
    expect(sent).toEqual(['a', 'x', 'c', 'd']);
  });

  it('sends at most one per interval under a steady flood, each the newest', () => {
    const sent: number[] = [];
    const throttle = new PerKeyThrottle<number>(1000, (v) => sent.push(v));
    for (let i = 0; i < 100; i += 1) {
      throttle.offer('p1', i);
      jest.advanceTimersByTime(50); // 20 per second for 5 s
    }
    jest.advanceTimersByTime(1000);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.at(-1)).toBe(99);
    throttle.close();
  });
});
