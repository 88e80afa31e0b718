import { measurementsFor } from './payloads';
import { buildRoster } from './roster';
import { createRng } from './random';
import { createProfile, vitalsAt, WEIGHT_GAIN_KG, WEIGHT_GAIN_SECONDS, weightAt } from './vitals';

describe('demo patients on pathways (issue 13)', () => {
  it('admits the first ten on every pathway template, COPD on SpO2 scale 2', () => {
    const roster = buildRoster(10, 42);
    expect(new Set(roster.map((p) => p.pathway))).toEqual(
      new Set(['ari', 'copd', 'frailty', 'heart-failure', 'smi-physical-health']),
    );
    expect(roster.find((p) => p.pathway === 'copd')?.profile.spo2Scale).toBe(2);
    const hf = roster.find((p) => p.pathway === 'heart-failure')!;
    expect(hf.devices).toContainEqual({ kind: 'hub', style: 'scale' });
  });

  it('the heart-failure patient’s weight rises enough for the weight rule (≥ 2 kg) within minutes', () => {
    const profile = createProfile('heart-failure', createRng(1));
    const start = weightAt(profile, 0)!;
    const end = weightAt(profile, WEIGHT_GAIN_SECONDS)!;
    expect(end - start).toBeCloseTo(WEIGHT_GAIN_KG, 1);
    expect(WEIGHT_GAIN_KG).toBeGreaterThanOrEqual(2);
    const smi = createProfile('smi', createRng(1));
    expect(weightAt(smi, WEIGHT_GAIN_SECONDS)).toBe(weightAt(smi, 0));
  });

  it('a scale sends body weight in kg and nothing else', () => {
    const profile = createProfile('heart-failure', createRng(2));
    const vitals = vitalsAt(profile, 60, createRng(3));
    const m = measurementsFor('hub', 'scale', vitals, new Date('2026-12-01T08:00:00Z'));
    expect(m).toEqual([
      { type: 'bodyWeight', value: vitals.weightKg, unit: 'kg', measuredAt: '2026-12-01T08:00:00.000Z' },
    ]);
  });
});
