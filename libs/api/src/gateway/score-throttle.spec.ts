import { PerRoomDigest } from './score-throttle';

describe('PerRoomDigest (issue 11: score updates digested, one message per room per second)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first at once, then one digest per interval with the newest update of each patient', () => {
    const sent: [string, string[]][] = [];
    const digest = new PerRoomDigest<string>(1000, (room, values) => sent.push([room, values]));
    digest.offer('ward:a', 'p1', 'p1@1');
    digest.offer('ward:a', 'p1', 'p1@2');
    digest.offer('ward:a', 'p2', 'p2@1');
    digest.offer('ward:a', 'p1', 'p1@3');
    digest.offer('ward:b', 'p9', 'p9@1'); // another room is not held up
    expect(sent).toEqual([
      ['ward:a', ['p1@1']],
      ['ward:b', ['p9@1']],
    ]);
    jest.advanceTimersByTime(999);
    expect(sent).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(sent[2]).toEqual(['ward:a', ['p2@1', 'p1@3']]); // never ends on a stale score
    expect(digest.coalesced).toBe(1);
    jest.advanceTimersByTime(5000);
    expect(sent).toHaveLength(3);
    digest.offer('ward:a', 'p1', 'p1@4'); // quiet again: at once
    expect(sent[3]).toEqual(['ward:a', ['p1@4']]);
  });

  it('sends at most one message per room per interval under a flood of 200 patients, each patient on its newest', () => {
    const sent: Map<string, number>[] = [];
    const digest = new PerRoomDigest<[string, number]>(1000, (_room, values) => sent.push(new Map(values)));
    for (let tick = 0; tick < 100; tick += 1) {
      for (let p = 0; p < 200; p += 1) digest.offer('ward:a', `p${p}`, [`p${p}`, tick]);
      jest.advanceTimersByTime(50); // every patient updated 20 times a second for 5 s
    }
    jest.advanceTimersByTime(1000);
    expect(sent.length).toBeLessThanOrEqual(6);
    const last = new Map<string, number>();
    for (const m of sent) for (const [k, v] of m) last.set(k, v);
    expect(last.size).toBe(200);
    expect([...last.values()].every((v) => v === 99)).toBe(true);
    digest.close();
  });
});
