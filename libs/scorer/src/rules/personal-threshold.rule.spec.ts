import { evaluatePersonalThresholds } from './personal-threshold.rule';
import { ctx, patient, reading } from './test-context';

describe('personal-threshold rule', () => {
  const copd = patient({
    spo2Scale: 2,
    thresholds: [
      { parameter: 'spo2', below: 88, setBy: 'dr-a', setAt: '2026-11-20T00:00:00Z', note: 'COPD' },
    ],
  });

  it('fires below the threshold with the reason and who set it', () => {
    const [f] = evaluatePersonalThresholds(ctx({ patient: copd, readings: [reading('spo2', 87)] }));
    expect(f).toMatchObject({ active: true, subject: 'spo2', triggeringParameters: ['spo2'] });
    expect(f.active && f.reason).toMatch(/below 88.*dr-a: COPD/);
  });

  it('is clear at the threshold and ignores other parameters', () => {
    expect(evaluatePersonalThresholds(ctx({ patient: copd, readings: [reading('spo2', 88)] }))).toEqual([
      expect.objectContaining({ active: false, subject: 'spo2' }),
    ]);
    expect(evaluatePersonalThresholds(ctx({ patient: copd, readings: [reading('heartRate', 40)] }))).toEqual(
      [],
    );
  });

  it('judges every reading in order, so a brief excursion is never skipped', () => {
    const findings = evaluatePersonalThresholds(
      ctx({ patient: copd, readings: [reading('spo2', 86), reading('spo2', 90)] }),
    );
    expect(findings.map((f) => f.active)).toEqual([true, false]);
  });
});
