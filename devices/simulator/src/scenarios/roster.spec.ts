import { isValidNhsNumber } from '@vigil/clinical';
import { buildRoster, devicesFor, scenarioForIndex } from './roster';
import { SCENARIO_KINDS } from './vitals';

describe('buildRoster', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(buildRoster(12, 7)).toEqual(buildRoster(12, 7));
    expect(buildRoster(12, 7).map((p) => p.nhsNumber)).not.toEqual(
      buildRoster(12, 8).map((p) => p.nhsNumber),
    );
  });

  it('gives 40 patients unique, valid test-range NHS numbers', () => {
    const roster = buildRoster(40, 1);
    expect(roster).toHaveLength(40);
    const numbers = roster.map((p) => p.nhsNumber);
    expect(new Set(numbers).size).toBe(40);
    for (const n of numbers) {
      expect(isValidNhsNumber(n)).toBe(true);
      expect(n.startsWith('999')).toBe(true);
    }
  });

  it('shows every scenario within the first ten patients and keeps most of 40 stable', () => {
    const roster = buildRoster(40, 1);
    const firstTen = new Set(roster.slice(0, 10).map((p) => p.profile.scenario));
    expect([...firstTen].sort()).toEqual([...SCENARIO_KINDS].sort());
    const stable = roster.filter((p) => p.profile.scenario === 'stable').length;
    expect(stable).toBeGreaterThan(20);
  });

  it('admits COPD patients on SpO2 scale 2 and no one else', () => {
    for (const p of buildRoster(40, 3)) {
      expect(p.profile.spo2Scale).toBe(p.profile.scenario === 'copd' ? 2 : 1);
    }
  });

  it('uses dates of birth in YYYY-MM-DD form', () => {
    for (const p of buildRoster(20, 4)) expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('rejects a roster size that is not a positive whole number', () => {
    expect(() => buildRoster(0, 1)).toThrow(RangeError);
    expect(() => buildRoster(2.5, 1)).toThrow(RangeError);
  });
});

describe('devices per scenario', () => {
  it('gives a fall patient a falls sensor, hubs to the GATT and backlog patients', () => {
    expect(devicesFor('fall').map((d) => d.kind)).toContain('falls-sensor');
    expect(devicesFor('gatt')).toEqual([{ kind: 'hub', style: 'gatt-hub' }]);
    expect(devicesFor('backlog')).toEqual([{ kind: 'hub', style: 'batch-hub' }]);
    expect(devicesFor('stable').map((d) => d.kind)).toEqual([
      'pulse-oximeter',
      'blood-pressure',
      'thermometer',
    ]);
  });

  it('repeats a mostly-stable mix after the first ten', () => {
    expect(scenarioForIndex(10)).toBe('stable');
    expect(scenarioForIndex(12)).toBe('deteriorating');
    expect(scenarioForIndex(22)).toBe('deteriorating');
  });
});
