import { validateEscalationReason, validateResolveNote } from './alert-forms';

describe('alert forms', () => {
  it('refuses an empty or blank resolution note', () => {
    expect(validateResolveNote('')).toBe('Enter a note saying how the alert was resolved');
    expect(validateResolveNote('   \n')).toBe('Enter a note saying how the alert was resolved');
    expect(validateResolveNote('Called patient, observations repeated, normal')).toBeNull();
  });

  it('refuses an escalation without a reason', () => {
    expect(validateEscalationReason(' ')).toBe('Enter why you are escalating this alert');
    expect(validateEscalationReason('NEWS2 7, needs review')).toBeNull();
  });
});
