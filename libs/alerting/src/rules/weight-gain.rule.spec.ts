import { evaluateWeightGain, weightGainKg } from './weight-gain.rule';
import { AT, ctx, patient, reading } from './test-context';

const hoursBefore = (h: number) => new Date(AT.getTime() - h * 3_600_000);
const hf = patient({
  pathway: 'heart-failure',
  monitoring: { weightGain: [{ gainKg: 2, windowHours: 72 }] },
});

describe('weight-gain rule (heart failure, ESC: ≥ 2 kg in 3 days)', () => {
  it('HZ-35: fires when today’s weight is 2 kg or more above the lowest of the last 3 days', () => {
    const p = {
      ...hf,
      weightHistory: [
        { value: 79.3, measuredAt: hoursBefore(48) },
        { value: 80.1, measuredAt: hoursBefore(24) },
      ],
    };
    const [f] = evaluateWeightGain(ctx({ patient: p, readings: [reading('bodyWeight', 81.3)] }));
    expect(f).toMatchObject({ active: true, severity: 'medium', triggeringParameters: ['bodyWeight'] });
    expect(f.active && f.reason).toMatch(/Weight up 2\.0 kg in 48 hours \(79\.3 → 81\.3 kg\)/);
  });

  it('HZ-35: is clear below the gain, and ignores weights older than the window', () => {
    const p = {
      ...hf,
      weightHistory: [
        { value: 78, measuredAt: hoursBefore(73) },
        { value: 79.4, measuredAt: hoursBefore(24) },
      ],
    };
    expect(evaluateWeightGain(ctx({ patient: p, readings: [reading('bodyWeight', 81.3)] }))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
  });

  it('says nothing without a weight rule, without a new weight, or with one weight only', () => {
    expect(evaluateWeightGain(ctx({ patient: patient(), readings: [reading('bodyWeight', 90)] }))).toEqual(
      [],
    );
    expect(evaluateWeightGain(ctx({ patient: hf, readings: [reading('heartRate', 70)] }))).toEqual([]);
    expect(weightGainKg([{ value: 80, measuredAt: AT }], 72)).toBeNull();
  });
});
