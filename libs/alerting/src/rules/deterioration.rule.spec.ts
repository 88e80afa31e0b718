import { evaluateDeterioration } from './deterioration.rule';
import { COMPLETE, ctx, patient, reading, readingsOf, stateOf, AT } from './test-context';
import { currentScore } from '../clinical-state';
import { DEFAULT_FRESHNESS_MINUTES } from '../policy';

describe('deterioration: one clinical alert per patient (RCP NEWS2 2017)', () => {
  it('fires at 5 (medium) and 7 (high), and is clear at 4 on a complete score', () => {
    expect(
      evaluateDeterioration(ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 95, pulse: 95 } })),
    ).toEqual([expect.objectContaining({ active: false })]);
    const medium = evaluateDeterioration(
      ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 95, pulse: 95, temperatureC: 38.5 } }),
    );
    expect(medium).toEqual([expect.objectContaining({ active: true, severity: 'medium', news2Total: 5 })]);
    const high = evaluateDeterioration(
      ctx({ input: { ...COMPLETE, respiratoryRate: 21, spo2: 93, pulse: 112, temperatureC: 38.5 } }),
    );
    expect(high).toEqual([expect.objectContaining({ active: true, severity: 'high', band: 'high' })]);
  });

  it('HZ-08 never reads a partial low score as clear, but fires on a partial score of 5 or more', () => {
    expect(evaluateDeterioration(ctx({ input: { spo2: 97 } }))).toEqual([]);
    const [partial] = evaluateDeterioration(ctx({ input: { respiratoryRate: 25, spo2: 93 } }));
    expect(partial).toMatchObject({ active: true, partial: true });
    expect(partial.active && partial.reason).toMatch(/at least 5.*Partial score/);
    expect(partial.active && partial.reason).toContain('Air or oxygen');
    expect(partial.active && partial.reason).not.toContain('onOxygen');
  });

  it('a red score alone fires at low-medium, naming the parameter; oxygen alone never makes it red', () => {
    const [f] = evaluateDeterioration(ctx({ input: { ...COMPLETE, respiratoryRate: 7 } }));
    expect(f).toMatchObject({
      active: true,
      severity: 'low-medium',
      triggeringParameters: ['respiratoryRate'],
    });
    expect(evaluateDeterioration(ctx({ input: { ...COMPLETE, onOxygen: true } }))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
  });

  it('one row per clinical problem: band, red score and a personal threshold are reasons of one alert at the highest severity', () => {
    const copd = patient({
      thresholds: [
        {
          parameter: 'spo2',
          below: 92,
          setBy: 'dr-a',
          setByName: 'Dr Asha Patel',
          setAt: '2026-11-20T00:00:00Z',
          note: 'COPD',
        },
      ],
    });
    const findings = evaluateDeterioration(
      ctx({ patient: copd, input: { ...COMPLETE, respiratoryRate: 25, spo2: 91, pulse: 112 } }),
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ active: true, severity: 'high', subject: '' });
    if (!f.active) throw new Error('expected active');
    expect(f.reasons?.map((r) => r.ruleId)).toEqual(['news2-band', 'news2-red-score', 'personal-threshold']);
    // A nurse reads the clinician's name, never their user id.
    expect(f.reason).toMatch(/below 92.*set by Dr Asha Patel: COPD/);
    expect(f.reason).not.toContain('dr-a');
    expect(f.triggeringParameters).toEqual(expect.arrayContaining(['respiratoryRate', 'spo2']));
  });

  it('a personal threshold is judged on the current value, and clears at the threshold', () => {
    const copd = patient({
      spo2Scale: 2,
      oxygenPrescription: {
        onOxygen: false,
        reason: 'COPD on air',
        setBy: 'dr-a',
        setAt: '2026-11-20T00:00:00Z',
      },
      thresholds: [{ parameter: 'spo2', below: 88, setBy: 'dr-a', setAt: '2026-11-20T00:00:00Z' }],
    });
    const low = evaluateDeterioration(ctx({ patient: copd, input: { ...COMPLETE, spo2: 87 } }));
    expect(low).toEqual([expect.objectContaining({ active: true, severity: 'medium' })]);
    // Set before names were recorded: no user id in the text either.
    expect(low[0]).toMatchObject({ reason: expect.stringContaining('(set by a clinician).') });
    const ok = evaluateDeterioration(ctx({ patient: copd, input: { ...COMPLETE, spo2: 88 } }));
    expect(ok).toEqual([expect.objectContaining({ active: false })]);
  });

  it('says nothing for readings that touch neither NEWS2 nor a threshold', () => {
    const state = stateOf(readingsOf(COMPLETE));
    expect(
      evaluateDeterioration({
        patient: patient(),
        at: AT,
        readings: [reading('diastolicBp', 80)],
        state,
        score: currentScore(state, patient()),
        freshnessMinutes: DEFAULT_FRESHNESS_MINUTES,
      }),
    ).toEqual([]);
  });
});
