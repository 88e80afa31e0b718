import { evaluateFall } from './fall.rule';
import { ctx, reading } from './test-context';

describe('fall rule', () => {
  it('raises a critical alert for a fall, with where and how sure', () => {
    const [f] = evaluateFall(
      ctx({ readings: [reading('fall', 1, { location: 'kitchen', confidence: 0.9 })] }),
    );
    expect(f).toMatchObject({ active: true, severity: 'critical', triggeringParameters: ['fall'] });
    expect(f.active && f.reason).toMatch(/kitchen.*0\.9/);
  });

  it('ignores other readings and never reports a fall as clear', () => {
    expect(evaluateFall(ctx({ readings: [reading('heartRate', 70), reading('fall', 0)] }))).toEqual([]);
  });
});
