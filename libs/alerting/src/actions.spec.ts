import { allowedActions, applyAlertAction, type Actor } from './actions';
import type { AlertRecord } from './alert-record';
import { alertRecord } from './rules/test-context';
import { DEFAULT_ALERTING_POLICY } from './policy';

const NOW = new Date('2026-11-25T10:00:00Z');
const nurse: Actor = { userId: 'nurse-1', role: 'nurse' };

const alert = (over: Partial<AlertRecord> = {}) => alertRecord(over, NOW);

describe('people acting on alerts', () => {
  it('acknowledge assigns to the nurse and records who and when (audit)', () => {
    const { record, audit, event } = applyAlertAction(
      alert(),
      { action: 'acknowledge' },
      nurse,
      NOW,
      DEFAULT_ALERTING_POLICY,
    );
    expect(record).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'nurse-1', assignedTo: 'nurse-1' });
    expect(audit).toMatchObject({
      actor: 'nurse-1',
      action: 'acknowledged',
      fromState: 'open',
      toState: 'acknowledged',
    });
    expect(event.type).toBe('alert.acknowledged');
  });

  it.each(['critical', 'high'] as const)(
    'HZ-18 R3 a %s alert (falls, NEWS2 ≥ 7) cannot be snoozed',
    (severity) => {
      expect(() =>
        applyAlertAction(
          alert({ severity }),
          { action: 'snooze', minutes: 5 },
          nurse,
          NOW,
          DEFAULT_ALERTING_POLICY,
        ),
      ).toThrow(/cannot be snoozed/);
      expect(allowedActions(alert({ severity }), 'nurse', DEFAULT_ALERTING_POLICY)).not.toContain('snooze');
    },
  );

  it('HZ-18 R3 snooze length is bounded per severity', () => {
    const max = DEFAULT_ALERTING_POLICY.maxSnoozeMinutes.medium as number;
    expect(() =>
      applyAlertAction(alert(), { action: 'snooze', minutes: max + 1 }, nurse, NOW, DEFAULT_ALERTING_POLICY),
    ).toThrow(new RegExp(`1 to ${max} minutes`));
    const ok = applyAlertAction(
      alert(),
      { action: 'snooze', minutes: max },
      nurse,
      NOW,
      DEFAULT_ALERTING_POLICY,
    );
    expect(ok.record.snoozedUntil).toEqual(new Date(NOW.getTime() + max * 60_000));
  });

  it('refuses what the role may not do and what the state does not allow', () => {
    expect(() =>
      applyAlertAction(
        alert(),
        { action: 'escalate', reason: 'x' },
        { userId: 'c', role: 'coordinator' },
        NOW,
        DEFAULT_ALERTING_POLICY,
      ),
    ).toThrow(/coordinator cannot escalate/);
    expect(() =>
      applyAlertAction(
        alert({ state: 'resolved' }),
        { action: 'acknowledge' },
        nurse,
        NOW,
        DEFAULT_ALERTING_POLICY,
      ),
    ).toThrow(/cannot acknowledge an alert that is resolved/);
    expect(() =>
      applyAlertAction(alert(), { action: 'resolve', note: '  ' }, nurse, NOW, DEFAULT_ALERTING_POLICY),
    ).toThrow(/note/);
    expect(allowedActions(alert({ state: 'acknowledged' }), 'coordinator', DEFAULT_ALERTING_POLICY)).toEqual([
      'assign',
      'resolve',
    ]);
  });
});
