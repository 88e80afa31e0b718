import { evaluateNews2Band } from './news2-band.rule';
import { COMPLETE, ctx } from './test-context';

describe('news2-band rule (RCP NEWS2 2017)', () => {
  it('fires at 5 (medium) and 7 (high), not at 4', () => {
    expect(
      evaluateNews2Band(ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 95, pulse: 95 } })),
    ).toEqual([expect.objectContaining({ active: false })]);
    const medium = evaluateNews2Band(
      ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 95, pulse: 95, temperatureC: 38.5 } }),
    );
    expect(medium).toEqual([expect.objectContaining({ active: true, severity: 'medium', news2Total: 5 })]);
    const high = evaluateNews2Band(
      ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 93, pulse: 112, temperatureC: 38.5 } }),
    );
    expect(high).toEqual([expect.objectContaining({ active: true, severity: 'high', band: 'high' })]);
  });

  it('HZ-08 never reads a partial low score as clear, but fires on a partial score of 5 or more', () => {
    expect(evaluateNews2Band(ctx({ input: { spo2: 97 } }))).toEqual([]);
    const partial = evaluateNews2Band(ctx({ input: { respiratoryRate: 25, spo2: 93 } }));
    expect(partial).toEqual([expect.objectContaining({ active: true, partial: true })]);
    expect(partial[0].active && partial[0].reason).toMatch(/Partial score/);
    // What is missing is named as a nurse reads it, not as a field of the scoring input.
    expect(partial[0].active && partial[0].reason).toContain('Air or oxygen');
    expect(partial[0].active && partial[0].reason).not.toContain('onOxygen');
  });

  it('says nothing when no NEWS2 parameter arrived', () => {
    expect(evaluateNews2Band(ctx())).toEqual([]);
  });
});
