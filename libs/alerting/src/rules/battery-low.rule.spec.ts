import { evaluateBatteryLow } from './battery-low.rule';
import { AT } from './test-context';

describe('battery-low rule', () => {
  const limits = { lowPercent: 20, okPercent: 30 };

  it('fires at or below the low limit and clears only at the ok limit (no flapping between)', () => {
    expect(evaluateBatteryLow('ox-1', 20, AT, limits)).toMatchObject({ active: true, severity: 'technical' });
    expect(evaluateBatteryLow('ox-1', 25, AT, limits)).toBeNull();
    expect(evaluateBatteryLow('ox-1', 30, AT, limits)).toMatchObject({ active: false });
    expect(evaluateBatteryLow('ox-1', null, AT, limits)).toBeNull();
  });
});
