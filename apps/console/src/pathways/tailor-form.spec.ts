import type { PlanView } from '@vigil/contracts';
import { applyTemplate, PATHWAY_TEMPLATES } from '@vigil/pathways';
import {
  buildTailorRequest,
  everyId,
  fieldIdForPath,
  graceId,
  initialTailorValues,
  REASON_ID,
  thresholdControls,
  thresholdId,
  tierId,
} from './tailor-form';

function planView(): PlanView {
  const plan = applyTemplate(PATHWAY_TEMPLATES['heart-failure']);
  return {
    ...plan,
    patientId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    tightened: false,
    latestNews2: null,
    schedule: [],
    ceiling: null,
    dischargeReadiness: { met: false, checks: [] },
    updatedAt: '2026-12-01T08:00:00Z',
    updatedBy: 'dr-1',
  };
}

describe('the plan-tailoring form', () => {
  const plan = planView();

  it('starts from the plan as it stands and offers thresholds only where NEWS2 gives safe bounds', () => {
    const values = initialTailorValues(plan);
    expect(values[everyId('bodyWeight')]).toBe('1440');
    expect(values[graceId('systolicBp')]).toBe('60');
    expect(values[thresholdId('systolicBp', 'below')]).toBe('90');
    expect(values[thresholdId('heartRate', 'above')]).toBe('110');
    expect(values[thresholdId('heartRate', 'below')]).toBe('');
    expect(values[tierId('ccc')]).toBe('30');
    // Body weight takes no threshold (the weight-gain rule covers it); SpO2 only "below".
    const controls = thresholdControls(plan).map((c) => `${c.parameter}:${c.direction}`);
    expect(controls).not.toContain('bodyWeight:above');
    expect(controls).toContain('spo2:below');
    expect(controls).not.toContain('spo2:above');
  });

  it('builds the PUT body from the values, keeping each threshold’s note', () => {
    const values = {
      ...initialTailorValues(plan),
      [everyId('systolicBp')]: '240',
      [thresholdId('heartRate', 'below')]: '45',
      [tierId('ward-nurse')]: '20',
      [REASON_ID]: ' Tailored at ward round ',
    };
    const { body, errors } = buildTailorRequest(plan, values);
    expect(errors).toEqual([]);
    expect(body?.reason).toBe('Tailored at ward round');
    expect(body?.schedules?.find((s) => s.parameter === 'systolicBp')?.everyMinutes).toBe(240);
    expect(body?.thresholds).toEqual(
      expect.arrayContaining([
        { parameter: 'heartRate', below: 45, above: 110, note: 'Pulse above 110' },
        expect.objectContaining({ parameter: 'systolicBp', below: 90 }),
      ]),
    );
    expect(body?.escalation?.[0]).toEqual({ tier: 'ward-nurse', responseMinutes: 20 });
  });

  it('names each missing or non-numeric value and a missing reason, by control', () => {
    const values = {
      ...initialTailorValues(plan),
      [everyId('spo2')]: '',
      [graceId('spo2')]: '1.5',
      [thresholdId('systolicBp', 'above')]: 'high',
    };
    const { body, errors } = buildTailorRequest(plan, values);
    expect(body).toBeNull();
    expect(errors.map((e) => e.href)).toEqual([
      everyId('spo2'),
      graceId('spo2'),
      thresholdId('systolicBp', 'above'),
      REASON_ID,
    ]);
  });

  it('puts a server error beside the control its path names', () => {
    const { body } = buildTailorRequest(plan, { ...initialTailorValues(plan), [REASON_ID]: 'r' });
    expect(body).not.toBeNull();
    const i = body!.schedules!.findIndex((s) => s.parameter === 'heartRate');
    expect(fieldIdForPath(`schedules.${i}.graceMinutes`, body!)).toBe(graceId('heartRate'));
    const t = body!.thresholds!.findIndex((x) => x.parameter === 'systolicBp');
    expect(fieldIdForPath(`thresholds.${t}.below`, body!)).toBe(thresholdId('systolicBp', 'below'));
    expect(fieldIdForPath('escalation.2.responseMinutes', body!)).toBe(tierId('ccc'));
    expect(fieldIdForPath('reason', body!)).toBe(REASON_ID);
    expect(fieldIdForPath('weightGain', body!)).toBe('');
  });
});
