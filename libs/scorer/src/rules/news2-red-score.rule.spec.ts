import { evaluateNews2RedScore } from './news2-red-score.rule';
import { COMPLETE, ctx } from './test-context';

describe('news2-red-score rule (RCP NEWS2 2017)', () => {
  it('fires on a single parameter scoring 3, naming it, at low-medium when the total is 4 or less', () => {
    const [f] = evaluateNews2RedScore(ctx({ input: { ...COMPLETE, respiratoryRate: 7 } }));
    expect(f).toMatchObject({
      active: true,
      severity: 'low-medium',
      triggeringParameters: ['respiratoryRate'],
    });
  });

  it('is clear on a complete score without a 3; oxygen alone (2) never makes it red', () => {
    expect(evaluateNews2RedScore(ctx({ input: { ...COMPLETE, onOxygen: true } }))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
  });

  it('does not call a partial score clear', () => {
    expect(evaluateNews2RedScore(ctx({ input: { spo2: 97 } }))).toEqual([]);
  });
});
