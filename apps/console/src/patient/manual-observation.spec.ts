import { validateManualObservation } from './manual-observation';

const now = new Date('2026-11-30T10:00:00Z');

describe('validateManualObservation', () => {
  it('builds the request body from the entered fields', () => {
    expect(
      validateManualObservation({ respiratoryRate: '18', consciousness: 'A', inspiredOxygen: 'air' }, now),
    ).toEqual({
      errors: [],
      body: {
        measuredAt: '2026-11-30T10:00:00.000Z',
        respiratoryRate: 18,
        consciousness: 'A',
        inspiredOxygen: 'air',
      },
    });
  });

  it('refuses an empty form', () => {
    const r = validateManualObservation({ respiratoryRate: '', consciousness: '', inspiredOxygen: '' }, now);
    expect(r.body).toBeNull();
    expect(r.errors[0]!.message).toBe('Enter at least one observation');
  });

  it('refuses a respiration rate that is not a number or out of range', () => {
    expect(
      validateManualObservation({ respiratoryRate: '1e1', consciousness: '', inspiredOxygen: '' }, now)
        .errors[0]!.message,
    ).toBe('Respiration rate must be a number, like 18');
    expect(
      validateManualObservation({ respiratoryRate: '90', consciousness: '', inspiredOxygen: '' }, now)
        .errors[0]!.message,
    ).toBe('Respiration rate must be between 2 and 80');
  });
});
