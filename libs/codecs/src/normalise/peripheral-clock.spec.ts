import {
  decidePeripheralTime,
  PERIPHERAL_CLOCK_TOLERANCE_MS,
  PERIPHERAL_MEMORY_MS,
} from './peripheral-clock';

describe('decidePeripheralTime', () => {
  const hub = new Date('2024-06-20T11:58:00Z');
  const at = (ms: number) => new Date(hub.getTime() + ms);

  it('HZ-05 HZ-20 uses the peripheral time when it is within 5 minutes of the hub time, either side, edges included', () => {
    expect(PERIPHERAL_CLOCK_TOLERANCE_MS).toBe(300_000);
    for (const ms of [0, -20_000, 45_000, -300_000, 300_000]) {
      expect(decidePeripheralTime(hub, at(ms))).toEqual({
        use: 'peripheral',
        measuredAt: at(ms),
        disagreementMs: ms,
      });
    }
  });

  it.each([
    [
      'a day behind (a reading from its memory, or a clock a day slow: ingest checks the binding at both)',
      -86_400_000,
    ],
    ['3 hours behind (a stored reading)', -10_800_000],
    ['just past the tolerance, behind', -300_001],
    ['a week behind, the edge', -PERIPHERAL_MEMORY_MS],
  ])('HZ-05 HZ-07 HZ-20 dates by the peripheral, as a memory, when it is %s', (_name, ms) => {
    expect(decidePeripheralTime(hub, at(ms))).toEqual({
      use: 'memory',
      measuredAt: at(ms),
      disagreementMs: ms,
    });
  });

  it.each([
    ['an hour ahead (a cuff on UK summer time: measured after the hub had it, impossible)', 3_600_000],
    ['just past the tolerance, ahead', 300_001],
    ['more than a week behind (a clock never set)', -PERIPHERAL_MEMORY_MS - 1],
    ['reset to 2000-01-01', Date.parse('2000-01-01T00:00:00Z') - hub.getTime()],
  ])('HZ-05 HZ-20 keeps the hub time when the peripheral is %s, reporting the difference', (_name, ms) => {
    expect(decidePeripheralTime(hub, at(ms))).toEqual({ use: 'hub', measuredAt: hub, disagreementMs: ms });
  });

  it('takes another tolerance when given one', () => {
    expect(decidePeripheralTime(hub, at(60_000), 30_000).use).toBe('hub');
    expect(decidePeripheralTime(hub, at(-20_000), 30_000).use).toBe('peripheral');
  });
});
