import { applyTemplate, PlanError, tailorPlan, validatePlan } from './plan';
import { PATHWAY_IDS, PATHWAY_TEMPLATES, templateOf } from './templates';

const AT = new Date('2026-12-01T09:00:00Z');

describe('pathway templates and plans', () => {
  it('every template is a valid plan with a source beside each schedule', () => {
    for (const id of PATHWAY_IDS) {
      const plan = applyTemplate(PATHWAY_TEMPLATES[id]);
      expect(() => validatePlan(plan)).not.toThrow();
      for (const s of PATHWAY_TEMPLATES[id].schedules) expect(s.source.length).toBeGreaterThan(5);
    }
  });

  it('COPD is scored on SpO2 scale 2 and needs an oxygen prescription; heart failure weighs daily', () => {
    expect(PATHWAY_TEMPLATES.copd).toMatchObject({ spo2Scale: 2, needsOxygenPrescription: true });
    const hf = PATHWAY_TEMPLATES['heart-failure'];
    expect(hf.schedules.find((s) => s.parameter === 'bodyWeight')?.everyMinutes).toBe(24 * 60);
    expect(hf.trendRules).toEqual([
      expect.objectContaining({ kind: 'weight-gain', gainKg: 2, windowHours: 72 }),
    ]);
    expect(templateOf('nope')).toBeNull();
  });

  it('applying a template copies it: tailoring the plan never changes the template', () => {
    const plan = applyTemplate(PATHWAY_TEMPLATES.ari);
    plan.schedules[0].everyMinutes = 60;
    expect(PATHWAY_TEMPLATES.ari.schedules[0].everyMinutes).toBe(240);
  });

  it('HZ-32: tailoring is audited with who, why and each field before and after', () => {
    const plan = applyTemplate(PATHWAY_TEMPLATES['heart-failure']);
    const { plan: next, change } = tailorPlan(
      plan,
      { trendRules: [{ kind: 'weight-gain', gainKg: 1.5, windowHours: 48, source: 'consultant' }] },
      'dr-1',
      AT,
      'Fluid-sensitive: lower weight threshold',
    );
    expect(next.trendRules[0].gainKg).toBe(1.5);
    expect(change).toMatchObject({ action: 'tailored', by: 'dr-1', at: AT.toISOString() });
    expect(Object.keys(change.changes)).toEqual(['trendRules']);
    expect((change.changes.trendRules.from as { gainKg: number }[])[0].gainKg).toBe(2);
  });

  it('refuses a tailoring without a reason, one that changes nothing, and unsafe values, with a clear error', () => {
    const plan = applyTemplate(PATHWAY_TEMPLATES.ari);
    expect(() => tailorPlan(plan, { dischargeHours: 24 }, 'dr', AT, ' ')).toThrow('needs a reason');
    expect(() => tailorPlan(plan, { dischargeHours: 48 }, 'dr', AT, 'same')).toThrow('changes nothing');
    const slowTightening = { news2AtLeast: 5, onRedScore: true, everyMinutes: 120, source: 'x' };
    expect(() => tailorPlan(plan, { tightening: slowTightening }, 'dr', AT, 'r')).toThrow(/at least hourly/);
    expect(() =>
      tailorPlan(
        plan,
        {
          escalation: [
            { tier: 'ccc', responseMinutes: 10 },
            { tier: 'ward-nurse', responseMinutes: 5 },
          ],
        },
        'dr',
        AT,
        'r',
      ),
    ).toThrow(/go up in order/);
    const twice = [...plan.schedules, plan.schedules[0]];
    expect(() => tailorPlan(plan, { schedules: twice }, 'dr', AT, 'r')).toThrow(PlanError);
  });

  it('HZ-62: a personal threshold must lie between NEWS2’s red-score limit and its normal range; the error names the field', () => {
    const plan = applyTemplate(PATHWAY_TEMPLATES.copd);
    const tailor = (thresholds: Parameters<typeof tailorPlan>[1]['thresholds']) =>
      tailorPlan(plan, { thresholds }, 'dr', AT, 'r');
    // Within bounds: a COPD target of 88 % (scale 2), a lower BP limit of 100.
    expect(
      tailor([
        { parameter: 'spo2', below: 86, note: '' },
        { parameter: 'systolicBp', below: 100, above: 180, note: '' },
      ]).plan.thresholds,
    ).toHaveLength(2);
    const refusal = (thresholds: Parameters<typeof tailorPlan>[1]['thresholds']) => {
      try {
        tailor(thresholds);
      } catch (error) {
        expect(error).toBeInstanceOf(PlanError);
        return { message: (error as PlanError).message, field: (error as PlanError).field };
      }
      throw new Error('not refused');
    };
    // SpO2 below 80: past scale 2's red score (83 %), it would read as watched when NEWS2 alerts anyway.
    expect(refusal([{ parameter: 'spo2', below: 80, note: '' }])).toEqual({
      message: expect.stringMatching(/SpO2: an alert below must be set at 83–96 %.*80 is outside/),
      field: 'thresholds.0.below',
    });
    // A pulse limit of 85 is inside the normal range: it would alert on a well patient.
    expect(
      refusal([
        { parameter: 'spo2', below: 90, note: '' },
        { parameter: 'heartRate', above: 85, note: '' },
      ]),
    ).toEqual({
      message: expect.stringMatching(/Pulse: an alert above must be set at 90–131/),
      field: 'thresholds.1.above',
    });
    expect(refusal([{ parameter: 'bodyWeight', above: 90, note: '' }]).message).toMatch(/weight-gain rule/);
    expect(refusal([{ parameter: 'spo2', above: 95, note: '' }]).message).toMatch(
      /SpO2 takes no "alert above" threshold/,
    );
    expect(refusal([{ parameter: 'systolicBp', below: 110, above: 110, note: '' }]).field).toBe(
      'thresholds.0.above',
    );
    // Schedules and tiers name their field too.
    const fast = plan.schedules.map((s, i) => (i === 1 ? { ...s, everyMinutes: 5 } : s));
    expect(() => tailorPlan(plan, { schedules: fast }, 'dr', AT, 'r')).toThrow(
      expect.objectContaining({ field: 'schedules.1.everyMinutes' }),
    );
    const slowTier = plan.escalation.map((t, i) => (i === 2 ? { ...t, responseMinutes: 0 } : t));
    expect(() => tailorPlan(plan, { escalation: slowTier }, 'dr', AT, 'r')).toThrow(
      expect.objectContaining({ field: 'escalation.2.responseMinutes' }),
    );
  });
});
