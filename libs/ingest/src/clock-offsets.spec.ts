import fc from 'fast-check';
import { ClockOffsets } from './clock-offsets';

const MIN = 60_000;
const options = { stepMs: MIN, settleMs: 30_000, capacity: 1000 };
const T0 = Date.parse('2026-12-05T08:00:00Z');

describe('ClockOffsets (R12: a device clock offset learned over its messages)', () => {
  it('HZ-20 R12 the first message sets the offset; figures within a minute of it confirm it', () => {
    const clocks = new ClockOffsets(options);
    expect(clocks.offset('d', T0 + 10 * MIN, T0)).toBe(10 * MIN);
    // A message that waited 20 s: its own figure is smaller; the learned offset stands.
    expect(clocks.offset('d', T0 + 10 * MIN + 1000, T0 + 21_000)).toBe(10 * MIN);
  });

  it('HZ-20 R12 HZ-03 a burst redelivered at one moment keeps the spacing the device clock gave it (no two readings on one time)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3 * 60 * MIN, max: 3 * 60 * MIN }), // device clock offset
        fc.integer({ min: 1, max: 10 }), // prompt messages before the outage
        fc.integer({ min: 2, max: 200 }), // messages queued during the outage
        fc.integer({ min: 200, max: 20_000 }), // ms between sends
        fc.boolean(), // the process restarted (estimate reloaded from its save) or not
        (skew, prompt, queued, gap, restarted) => {
          let clocks = new ClockOffsets(options);
          let t = T0;
          for (let i = 0; i < prompt; i += 1, t += gap) clocks.offset('d', t + skew + 5, t + 5);
          if (restarted) {
            const saved = clocks.takeChanged();
            clocks = new ClockOffsets(options);
            clocks.seed(saved);
          }
          // Sent during the outage, all received at one instant when it ends.
          const received = t + queued * gap + 1000;
          const corrected: number[] = [];
          for (let i = 0; i < queued; i += 1) {
            const sentDevice = t + i * gap + skew; // measured when sent, on the device's clock
            corrected.push(sentDevice - clocks.offset('d', sentDevice, received));
          }
          for (let i = 1; i < queued; i += 1) expect(corrected[i] - corrected[i - 1]).toBe(gap);
          // Corrected to within the prompt messages' delay of the true time.
          expect(Math.abs(corrected[0] - t)).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('HZ-20 R12 HZ-04 a message and its redelivery get the same offset even when the first copy travelled faster than the one the estimate came from', () => {
    const clocks = new ClockOffsets(options);
    clocks.offset('d', T0 + 10 * MIN, T0 + 5); // learned from a message 5 ms on its way
    const first = clocks.offset('d', T0 + 10 * MIN + 1000, T0 + 1001); // 1 ms on its way: 4 ms "higher"
    const redelivered = clocks.offset('d', T0 + 10 * MIN + 1000, T0 + 9000); // the same message, 8 s later
    expect(first).toBe(redelivered);
  });

  it('HZ-20 R12 a figure more than a minute above the estimate is used at once (a clock set forward)', () => {
    const clocks = new ClockOffsets(options);
    clocks.offset('d', T0, T0);
    // The clock jumps 10 minutes forward: a reading can't have been measured after it arrived.
    expect(clocks.offset('d', T0 + 1000 + 10 * MIN, T0 + 1000)).toBe(10 * MIN);
    // The estimate itself moves only once the new figure has held for 30 s; then a delayed message is
    // corrected by it too.
    clocks.offset('d', T0 + 31_000 + 10 * MIN, T0 + 31_000);
    expect(clocks.offset('d', T0 + 40_000 + 10 * MIN - 20_000, T0 + 40_000)).toBe(10 * MIN);
  });

  it('HZ-20 R12 a clock set back is followed once its figures have held for 30 s', () => {
    const clocks = new ClockOffsets(options);
    clocks.offset('d', T0 + 10 * MIN, T0);
    expect(clocks.offset('d', T0 + 1000, T0 + 1000)).toBe(10 * MIN); // one message: could be a stale one
    expect(clocks.offset('d', T0 + 20_000, T0 + 20_000)).toBe(10 * MIN);
    expect(clocks.offset('d', T0 + 31_000, T0 + 31_000)).toBe(0);
    expect(clocks.takeChanged()).toEqual([{ deviceId: 'd', offsetMs: 0 }]);
  });

  it('HZ-20 R12 a queue draining after a long outage (figures rising towards the offset) never moves it', () => {
    const clocks = new ClockOffsets(options);
    clocks.offset('d', T0, T0); // a correct clock
    // 30 minutes of readings, one every 10 s, delivered over 60 s after the outage.
    const end = T0 + 30 * MIN;
    for (let i = 0; i < 180; i += 1) {
      const sent = T0 + i * 10_000;
      const received = end + (i * 60_000) / 180;
      expect(clocks.offset('d', sent, received)).toBe(0);
    }
  });

  it('saves what changed once, reloads it, and forgets the least recently seen device beyond its capacity', () => {
    const clocks = new ClockOffsets({ ...options, capacity: 2 });
    clocks.offset('a', T0 + MIN * 10, T0);
    clocks.offset('b', T0, T0);
    expect(clocks.takeChanged()).toEqual([
      { deviceId: 'a', offsetMs: 10 * MIN },
      { deviceId: 'b', offsetMs: 0 },
    ]);
    expect(clocks.takeChanged()).toEqual([]);
    clocks.offset('a', T0 + MIN * 10, T0); // a seen again: b is now the oldest
    clocks.offset('c', T0, T0);
    expect(clocks.size).toBe(2);
    const reloaded = new ClockOffsets(options);
    reloaded.seed([{ deviceId: 'a', offsetMs: 10 * MIN }]);
    expect(reloaded.offset('a', T0 + 10 * MIN - 30_000, T0)).toBe(10 * MIN);
  });

  it('HZ-20 an estimate counts as unsaved from when it is set until its save succeeded (a failed save leaves it unsaved)', () => {
    const clocks = new ClockOffsets(options);
    clocks.offset('a', T0 + MIN * 10, T0);
    expect(clocks.unsaved('a')).toBe(true);
    const taken = clocks.takeChanged();
    expect(clocks.unsaved('a')).toBe(true); // being written
    clocks.markChanged(taken.map((t) => t.deviceId)); // the write failed
    expect(clocks.unsaved('a')).toBe(true);
    clocks.markSaved(clocks.takeChanged().map((t) => t.deviceId));
    expect(clocks.unsaved('a')).toBe(false);
    clocks.offset('a', T0 + MIN * 10 + 1_000, T0 + 1_000); // confirms: nothing new to save
    expect(clocks.unsaved('a')).toBe(false);
    clocks.offset('a', T0 + MIN * 30, T0 + 2_000); // a clock set forward: followed at once, but not yet the estimate
    clocks.offset('a', T0 + MIN * 30 + 31_000, T0 + 33_000); // held for 30 s: the estimate moves
    expect(clocks.unsaved('a')).toBe(true);
  });
});
