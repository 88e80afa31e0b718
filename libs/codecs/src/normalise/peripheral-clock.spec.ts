import { decidePeripheralTime, PERIPHERAL_CLOCK_TOLERANCE_MS } from './peripheral-clock';

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
    ['a day behind (the reproduced wrong-patient case)', -86_400_000],
    ['an hour ahead (a cuff on UK summer time)', 3_600_000],
    ['3 hours behind (a stored reading, or a slow clock: one reading cannot tell)', -10_800_000],
    ['just past the tolerance, behind', -300_001],
    ['just past the tolerance, ahead', 300_001],
    ['reset to 2000-01-01', Date.parse('2000-01-01T00:00:00Z') - hub.getTime()],
  ])('HZ-05 HZ-20 keeps the hub time when the peripheral is %s, reporting the difference', (_name, ms) => {
    expect(decidePeripheralTime(hub, at(ms))).toEqual({ use: 'hub', measuredAt: hub, disagreementMs: ms });
  });

  it('takes another tolerance when given one', () => {
    expect(decidePeripheralTime(hub, at(-60_000), 30_000).use).toBe('hub');
    expect(decidePeripheralTime(hub, at(-20_000), 30_000).use).toBe('peripheral');
  });
});
