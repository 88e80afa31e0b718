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
});
