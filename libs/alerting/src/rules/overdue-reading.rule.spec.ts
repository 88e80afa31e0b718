import { evaluateOverdueReading } from './overdue-reading.rule';
import { AT, patient } from './test-context';

describe('overdue-reading rule', () => {
  const scheduled = patient({
    monitoring: { requiredParameters: ['spo2', 'heartRate'], intervalMinutes: 240, graceMinutes: 30 },
  });

  it('fires for the required parameters with no reading within interval plus grace', () => {
    const last = new Map([
      ['spo2', new Date(AT.getTime() - 271 * 60_000)],
      ['heartRate', new Date(AT.getTime() - 60 * 60_000)],
    ]);
    expect(evaluateOverdueReading(scheduled, last, AT)).toMatchObject({
      active: true,
      triggeringParameters: ['spo2'],
    });
  });

  it('is clear when every required parameter is recent, and silent without a schedule', () => {
    const last = new Map([
      ['spo2', new Date(AT.getTime() - 270 * 60_000)],
      ['heartRate', AT],
    ]);
    expect(evaluateOverdueReading(scheduled, last, AT)).toMatchObject({ active: false });
    expect(evaluateOverdueReading(patient(), new Map(), AT)).toBeNull();
  });

  it('counts from admission when a parameter was never measured', () => {
    const fresh = patient({ ...scheduled, admittedAt: new Date(AT.getTime() - 10 * 60_000) });
    expect(evaluateOverdueReading(fresh, new Map(), AT)).toMatchObject({ active: false });
  });
});
