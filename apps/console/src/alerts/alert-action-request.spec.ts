import { alertActionRequest, isAlertChanged, seenOf } from './alert-action-request';

const shown = {
  severity: 'medium' as const,
  openedAt: '2026-11-30T09:00:00.000Z',
  attentionSince: '2026-11-30T09:20:00.000Z',
};

describe('alert action requests', () => {
  it('HZ-10 acknowledge, snooze and resolve carry the severity and attention time the nurse saw', () => {
    const seen = seenOf(shown);
    expect(seen).toEqual({ severity: 'medium', attentionSince: '2026-11-30T09:20:00.000Z' });
    expect(alertActionRequest('a1', { kind: 'acknowledge', seen })).toEqual({
      path: '/alerts/a1/acknowledge',
      body: { seen },
    });
    expect(alertActionRequest('a1', { kind: 'snooze', minutes: 30, seen }).body).toEqual({
      minutes: 30,
      seen,
    });
    expect(
      alertActionRequest('a1', { kind: 'resolve', note: 'Advice given', outcome: 'advice-given', seen }).body,
    ).toEqual({ note: 'Advice given', outcome: 'advice-given', seen });
    // Escalating and taking ownership only add attention: nothing to check.
    expect(alertActionRequest('a1', { kind: 'escalate', reason: 'SpO2 falling' }).body).toEqual({
      reason: 'SpO2 falling',
      destination: 'ccc',
    });
  });

  it('HZ-10 an alert view without attentionSince is taken as seen since it opened', () => {
    expect(seenOf({ ...shown, attentionSince: undefined }).attentionSince).toBe('2026-11-30T09:00:00.000Z');
  });

  it('HZ-10 tells the refusal of an alert that changed since it was seen from other failures', () => {
    expect(isAlertChanged({ status: 409, code: 'alert-changed', message: 'changed to High' })).toBe(true);
    expect(isAlertChanged({ status: 409, code: 'invalid-transition', message: 'resolved' })).toBe(false);
    expect(isAlertChanged(new Error('network'))).toBe(false);
  });
});
