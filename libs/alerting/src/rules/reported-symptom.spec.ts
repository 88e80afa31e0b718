import type { CanonicalObservation } from '@vigil/contracts';
import { applyReadings, currentScore, EMPTY_STATE } from '../clinical-state';
import { decideReadings } from '../decide';
import { DEFAULT_ALERTING_POLICY, freshnessMinutes } from '../policy';
import type { PatientContext } from '../patient-context';
import { evaluateDeterioration } from './deterioration.rule';
import { REPORTED_SYMPTOM_SOURCE } from './reported-symptom';
import type { ReadingContext } from './rule';
import { AT, COMPLETE, patient, reading, readingsOf } from './test-context';

const MIN = 60_000;

/** A reported symptom as the patient page sends it: coded, no device, with its source. */
function reported(
  parameter: 'breathlessness' | 'chestPain',
  code: string,
  value: number,
  over: Partial<CanonicalObservation> = {},
): CanonicalObservation {
  return reading(parameter, value, null, {
    valueCode: code,
    deviceId: null,
    source: 'carer-reported',
    enteredBy: 'access-code:c1',
    ...over,
  });
}

/** The rule's context after `earlier` then `now` (the new readings), judged at the newest event time. */
function after(
  now: CanonicalObservation[],
  earlier: CanonicalObservation[] = [],
  p: PatientContext = patient(),
): ReadingContext {
  const state = applyReadings(applyReadings(EMPTY_STATE, earlier), now);
  const at = new Date(Math.max(...[...earlier, ...now].map((o) => Date.parse(o.measuredAt))));
  return {
    patient: p,
    at,
    readings: now,
    state,
    score: currentScore(state, p),
    freshnessMinutes: freshnessMinutes(p.monitoring),
  };
}

describe('reported symptoms: reasons of the one clinical alert (issue 14)', () => {
  it('HZ-65 chest pain now, reported by a carer, fires high with no NEWS2 at all, naming who reported it', () => {
    const [f] = evaluateDeterioration(after([reported('chestPain', 'present', 1)]));
    expect(f).toMatchObject({ active: true, severity: 'high', band: null, news2Total: null });
    if (!f.active) throw new Error('expected active');
    expect(f.reasons).toEqual([
      expect.objectContaining({
        ruleId: 'reported-symptom',
        ruleVersion: 1,
        severity: 'high',
        triggeringParameters: ['chestPain'],
      }),
    ]);
    expect(f.reason).toMatch(/^Chest pain or tightness now, reported by a carer: .*NICE CG95.*call 999/);
    expect(f.at).toEqual(AT);
  });

  it('HZ-65 breathlessness: worse than usual is medium (urgent review), at rest is high; usual is clear', () => {
    const normal = readingsOf(COMPLETE);
    const worse = evaluateDeterioration(after([reported('breathlessness', 'worse-than-usual', 1)], normal));
    expect(worse).toEqual([expect.objectContaining({ active: true, severity: 'medium' })]);
    expect(worse[0].active && worse[0].reason).toMatch(/More out of breath than usual.*phone the ward/);
    const atRest = evaluateDeterioration(after([reported('breathlessness', 'at-rest', 2)], normal));
    expect(atRest).toEqual([expect.objectContaining({ active: true, severity: 'high' })]);
    expect(atRest[0].active && atRest[0].reason).toMatch(/Breathless at rest/);
    expect(evaluateDeterioration(after([reported('breathlessness', 'usual', 0)], normal))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
  });

  it('HZ-65 one clinical alert per patient: NEWS2 5 and reported chest pain are two reasons of one finding, at the worse severity', () => {
    const news2Of5 = readingsOf({
      ...COMPLETE,
      respiratoryRate: 21,
      spo2: 95,
      pulse: 95,
      temperatureC: 38.5,
    });
    const findings = evaluateDeterioration(after([reported('chestPain', 'present', 1)], news2Of5));
    expect(findings).toHaveLength(1);
    const [f] = findings;
    if (!f.active) throw new Error('expected active');
    expect(f.severity).toBe('high');
    expect(f.news2Total).toBe(5);
    expect(f.reasons?.map((r) => [r.ruleId, r.severity])).toEqual([
      ['reported-symptom', 'high'],
      ['news2-band', 'medium'],
    ]);
    expect(f.triggeringParameters).toContain('chestPain');
  });

  it('HZ-65 a later "no chest pain" clears the reason; a stale report neither fires nor holds the alert open', () => {
    const normal = readingsOf(COMPLETE);
    const pain = reported('chestPain', 'present', 1);
    const none = reported('chestPain', 'absent', 0, {
      measuredAt: new Date(AT.getTime() + 30 * MIN).toISOString(),
    });
    expect(evaluateDeterioration(after([none], [...normal, pain]))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
    // Vital signs 13 hours later (past the 12-hour freshness window): the old report counts no more.
    const later = readingsOf(COMPLETE, new Date(AT.getTime() + 13 * 60 * MIN));
    expect(evaluateDeterioration(after(later, [...normal, pain]))).toEqual([
      expect.objectContaining({ active: false }),
    ]);
  });

  it('HZ-65 a symptom recorded but not worrying alone changes nothing when NEWS2 is unknown', () => {
    expect(evaluateDeterioration(after([reported('chestPain', 'absent', 0)]))).toEqual([]);
  });

  it('cites its clinical sources', () => {
    expect(REPORTED_SYMPTOM_SOURCE).toMatch(/NICE CG95/);
    expect(REPORTED_SYMPTOM_SOURCE).toMatch(/RCP NEWS2 2017/);
  });
});

describe('reported symptoms through the decision (event time, the plan’s tiers)', () => {
  const ladder = [
    { tier: 'ward-nurse' as const, responseMinutes: 30 },
    { tier: 'ward-clinician' as const, responseMinutes: 30 },
    { tier: 'ccc' as const, responseMinutes: 15 },
  ];
  const decide = (p: PatientContext, observations: CanonicalObservation[], now = AT) =>
    decideReadings({
      now,
      policy: DEFAULT_ALERTING_POLICY,
      patients: new Map([[p.patientId, p]]),
      states: new Map(),
      episodes: [],
      observations,
      statuses: [],
    });

  it('HZ-65 chest pain opens the clinical alert at the plan’s CCC tier with the clinician told; worse breathlessness at its first tier', () => {
    const p = patient({ monitoring: { escalation: ladder } });
    const pain = decide(p, [reported('chestPain', 'present', 1)]);
    expect(pain.alerts.save).toHaveLength(1);
    expect(pain.alerts.save[0]).toMatchObject({
      ruleId: 'deterioration',
      severity: 'high',
      tier: 'ccc',
      escalatedAt: AT,
      lastObservationAt: AT,
    });
    expect(pain.alerts.save[0].escalationReason).toMatch(/chest pain now or breathlessness at rest/);
    expect(pain.alerts.save[0].escalationReason).not.toMatch(/NEWS2/);
    expect(pain.alerts.events.map((e) => e.type)).toEqual(['alert.opened']);

    const breathless = decide(p, [reported('breathlessness', 'worse-than-usual', 1)]);
    expect(breathless.alerts.save[0]).toMatchObject({
      severity: 'medium',
      tier: 'ward-nurse',
      state: 'open',
    });
  });

  it('HZ-65 event time: a report that arrives late but is the newest of its kind still alerts, timed when it was answered', () => {
    const p = patient();
    const answeredAt = new Date(AT.getTime() - 20 * MIN);
    const out = decide(
      p,
      [reported('chestPain', 'present', 1, { measuredAt: answeredAt.toISOString() })],
      AT,
    );
    expect(out.alerts.save[0]).toMatchObject({ severity: 'high', lastObservationAt: answeredAt });
    // Without a plan, high goes to the CCC at once (R6), as NEWS2 ≥ 7 does.
    expect(out.alerts.save[0].escalationDestination).toBe('ccc');
  });
});
