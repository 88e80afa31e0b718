import { scoreNews2 } from '@vigil/clinical';
import { createRng } from './random';
import { createProfile, news2InputOf, type ScenarioKind, vitalsAt } from './vitals';

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

function bandAt(scenario: ScenarioKind, seed: number, seconds: number, scale?: 1 | 2) {
  const rng = createRng(seed);
  const profile = createProfile(scenario, rng);
  const vitals = vitalsAt(profile, seconds, rng);
  return scoreNews2({ ...news2InputOf(vitals, scale ?? profile.spo2Scale), onOxygen: false });
}

describe('scenario vitals', () => {
  it('are deterministic for a seed', () => {
    const run = () => {
      const rng = createRng(9);
      const profile = createProfile('deteriorating', rng);
      return [0, 10, 20, 30].map((t) => vitalsAt(profile, t, rng));
    };
    expect(run()).toEqual(run());
  });

  it('deteriorating: NEWS2 starts low and reaches medium by 45 s and high by 60 s', () => {
    for (const seed of SEEDS) {
      expect(bandAt('deteriorating', seed, 0).band).toBe('low');
      expect(bandAt('deteriorating', seed, 0).total).toBeLessThanOrEqual(2);
      expect(['medium', 'high']).toContain(bandAt('deteriorating', seed, 45).band);
      expect(bandAt('deteriorating', seed, 60).band).toBe('high');
      expect(bandAt('deteriorating', seed, 600).band).toBe('high');
    }
  });

  it('deteriorating: pulse, respiration and temperature rise while SpO2 falls', () => {
    const rng = createRng(3);
    const profile = createProfile('deteriorating', rng);
    const start = vitalsAt(profile, 0, rng);
    const end = vitalsAt(profile, 75, rng);
    expect(end.heartRate).toBeGreaterThan(start.heartRate + 30);
    expect(end.respiratoryRate).toBeGreaterThan(start.respiratoryRate + 6);
    expect(end.temperatureC).toBeGreaterThan(start.temperatureC + 1.5);
    expect(end.spo2).toBeLessThan(start.spo2 - 4);
    expect(end.systolic).toBeLessThan(start.systolic - 15);
  });

  it('stable: every parameter scores 0 throughout ten minutes', () => {
    for (const seed of SEEDS) {
      const rng = createRng(seed);
      const profile = createProfile('stable', rng);
      for (let t = 0; t <= 600; t += 15) {
        const result = scoreNews2({ ...news2InputOf(vitalsAt(profile, t, rng), 1), onOxygen: false });
        expect(result.total).toBe(0);
      }
    }
  });

  it('COPD: admitted on SpO2 scale 2, where its 88–92 % readings score 0 (scale 1 would call them red)', () => {
    for (const seed of SEEDS) {
      const rng = createRng(seed);
      const profile = createProfile('copd', rng);
      expect(profile.spo2Scale).toBe(2);
      for (let t = 0; t <= 300; t += 15) {
        const vitals = vitalsAt(profile, t, rng);
        expect(vitals.spo2).toBeGreaterThanOrEqual(88);
        expect(vitals.spo2).toBeLessThanOrEqual(92);
        const onScale2 = scoreNews2({ ...news2InputOf(vitals, profile.spo2Scale), onOxygen: false });
        expect(onScale2.perParameter.spo2).toBe(0);
        expect(onScale2.band).toBe('low');
        const onScale1 = scoreNews2({ ...news2InputOf(vitals, 1), onOxygen: false });
        expect(onScale1.perParameter.spo2).toBeGreaterThanOrEqual(2);
      }
    }
  });
});
