import { applyReadings, currentScore, EMPTY_STATE, stateTime } from './clinical-state';
import { patient, reading, readingsOf } from './rules/test-context';

const AT = new Date('2026-11-25T10:00:00Z');
const minutes = (m: number) => new Date(AT.getTime() + m * 60_000).toISOString();
// Scale 2, 95 % SpO2: 0 on air, 2 on oxygen; everything else normal.
const COPD_SET = {
  respiratoryRate: 16,
  spo2: 95,
  systolicBp: 125,
  pulse: 72,
  consciousness: 'A' as const,
  temperatureC: 37,
};

describe('clinical state in event time', () => {
  it('holds the newest value of each parameter by measuredAt, whatever the arrival order', () => {
    const newer = reading('heartRate', 90, null, { measuredAt: minutes(10) });
    const older = reading('heartRate', 60, null, { measuredAt: minutes(0) });
    const a = applyReadings(applyReadings(EMPTY_STATE, [newer]), [older]);
    const b = applyReadings(applyReadings(EMPTY_STATE, [older]), [newer]);
    expect(a.get('heartRate')?.value).toBe(90);
    expect(b.get('heartRate')?.value).toBe(90);
    expect(stateTime(a)).toEqual(new Date(minutes(10)));
  });

  it('HZ-06 R7 leaves a value older than the freshness window out of the current score (partial, never 0)', () => {
    const p = patient({ monitoring: { freshnessMinutes: 60 } });
    const state = applyReadings(EMPTY_STATE, [
      ...readingsOf(
        { respiratoryRate: 16, spo2: 97, onOxygen: false, pulse: 72, consciousness: 'A', temperatureC: 37 },
        AT,
      ),
      reading('systolicBp', 85, null, { measuredAt: minutes(-61) }),
    ]);
    const score = currentScore(state, p);
    expect(score?.result.partial).toBe(true);
    expect(score?.result.missing).toContain('systolicBp');
  });

  it('HZ-19 N1 on scale 2 with oxygen unknown, the score carries its range and alerting uses the highest', () => {
    const p = patient({ spo2Scale: 2 });
    const score = currentScore(applyReadings(EMPTY_STATE, readingsOf(COPD_SET, AT)), p);
    expect(score?.oxygenSource).toBe('unknown');
    expect(score?.lowest?.total).toBe(0);
    expect(score?.result.total).toBe(4); // SpO2 95 on oxygen scores 2, air-or-oxygen 2
  });

  it('HZ-19 N1 the oxygen prescription decides air or oxygen unless a newer reading says otherwise', () => {
    const onAir = { onOxygen: false, reason: 'COPD, on air at home', setBy: 'dr-a', setAt: minutes(-120) };
    const p = patient({ spo2Scale: 2, oxygenPrescription: onAir });
    const state = applyReadings(EMPTY_STATE, readingsOf(COPD_SET, AT));
    const prescribed = currentScore(state, p);
    expect(prescribed).toMatchObject({ oxygenSource: 'prescription', lowest: null });
    expect(prescribed?.result.total).toBe(0);
    // A nurse records "on oxygen" after the prescription: the newer entry wins.
    const entry = reading('inspiredOxygen', 1, null, { measuredAt: minutes(0), valueCode: 'oxygen' });
    const later = currentScore(applyReadings(state, [entry]), p);
    expect(later?.oxygenSource).toBe('observation');
    expect(later?.result.total).toBe(4);
    // A prescription set after that entry wins again.
    const renewed = patient({ spo2Scale: 2, oxygenPrescription: { ...onAir, setAt: minutes(5) } });
    expect(currentScore(applyReadings(state, [entry]), renewed)?.result.total).toBe(0);
  });

  it('HZ-08 on scale 1 an unknown air-or-oxygen keeps the score partial', () => {
    const { onOxygen: _unknown, ...rest } = { ...COPD_SET, spo2: 97, onOxygen: undefined };
    const score = currentScore(applyReadings(EMPTY_STATE, readingsOf(rest, AT)), patient());
    expect(score?.result).toMatchObject({ partial: true, missing: ['onOxygen'] });
    expect(score?.lowest).toBeNull();
  });
});
