import {
  oxygenPrescriptionText,
  REASON_REQUIRED,
  validateOxygenPrescription,
  validateScaleChange,
} from './clinical-settings';

describe('validateOxygenPrescription', () => {
  it('HZ-19 N1 needs air or oxygen and a non-blank reason, before anything is sent', () => {
    expect(validateOxygenPrescription({ onOxygen: null, reason: ' ' })).toEqual({
      errors: [
        { href: 'oxygen-prescription-air', message: 'Select on air or on oxygen' },
        { href: 'oxygen-prescription-reason', message: REASON_REQUIRED },
      ],
      body: null,
    });
    expect(validateOxygenPrescription({ onOxygen: false, reason: ' Weaned to air ' })).toEqual({
      errors: [],
      body: { onOxygen: false, reason: 'Weaned to air' },
    });
  });
});

describe('validateScaleChange', () => {
  it('HZ-19 R9 needs a reason', () => {
    expect(validateScaleChange({ scale: 2, reason: ' ' })).toEqual({
      errors: [{ href: 'spo2-scale-reason', message: REASON_REQUIRED }],
      body: null,
    });
    expect(validateScaleChange({ scale: 2, reason: 'Hypercapnic COPD' }).body).toEqual({
      scale: 2,
      reason: 'Hypercapnic COPD',
    });
  });
});

describe('oxygenPrescriptionText', () => {
  it('HZ-19 N1 says when air or oxygen is unknown on scale 2', () => {
    expect(oxygenPrescriptionText(null, 2)).toEqual({
      text: 'Not recorded – air or oxygen unknown',
      warn: true,
    });
    expect(oxygenPrescriptionText(null, 1)).toEqual({ text: 'Not recorded', warn: false });
    const p = { onOxygen: true, reason: 'r', setBy: 'u', setAt: '2026-11-30T09:00:00Z' };
    expect(oxygenPrescriptionText(p, 2).text).toBe('On oxygen (prescribed)');
    expect(oxygenPrescriptionText({ ...p, onOxygen: false }, 2).text).toBe('On air (prescribed)');
  });
});
