import {
  AlertActionError,
  allowedActions,
  applyAlertAction,
  type Actor,
  type AlertActionInput,
} from './actions';
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

  describe('HZ-10 an action covers what the person saw', () => {
    const OPENED = new Date(NOW.getTime() - 20 * 60_000);
    const LATER = new Date(NOW.getTime() - 5 * 60_000);
    /** The Medium alert as the nurse's page showed it. */
    const seen = { severity: 'medium' as const, attentionSince: OPENED };
    const refusal = (a: AlertRecord, input: AlertActionInput): AlertActionError => {
      try {
        applyAlertAction(a, input, nurse, NOW, DEFAULT_ALERTING_POLICY);
      } catch (error) {
        if (error instanceof AlertActionError) return error;
        throw error;
      }
      throw new Error(`${input.action} was not refused`);
    };

    it('HZ-10 an acknowledgement of a Medium alert that has become High since is refused, naming the new severity; a reading that leaves the severity as it was is not', () => {
      const worse = alert({ severity: 'high', attentionSince: OPENED, updatedAt: LATER });
      const error = refusal(worse, { action: 'acknowledge', seen });
      expect(error.code).toBe('changed');
      expect(error.message).toBe(
        'This alert changed to High (from Medium) since you opened it: review it before acknowledging.',
      );
      // Acknowledging what is now on screen is accepted.
      const ok = applyAlertAction(
        worse,
        { action: 'acknowledge', seen: { severity: 'high', attentionSince: OPENED } },
        nurse,
        NOW,
        DEFAULT_ALERTING_POLICY,
      );
      expect(ok.record.state).toBe('acknowledged');
      // A reading that leaves the severity as it was, or lowers it, is no reason to refuse.
      for (const severity of ['medium', 'low-medium', 'low'] as const) {
        const changedOnlyByAReading = alert({
          severity,
          attentionSince: OPENED,
          updatedAt: LATER,
          lastObservationAt: LATER,
          news2Total: 4,
        });
        const { record } = applyAlertAction(
          changedOnlyByAReading,
          { action: 'acknowledge', seen },
          nurse,
          NOW,
          DEFAULT_ALERTING_POLICY,
        );
        expect(record).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'nurse-1' });
      }
    });

    it('HZ-10 R2 an alert that asked for attention again since it was seen (a new event, a reopening, a re-prompt) is not acknowledged', () => {
      // Same severity, but reopened after someone else's acknowledgement: attentionSince moved.
      const reopened = alert({ severity: 'medium', attentionSince: LATER, updatedAt: LATER });
      const error = refusal(reopened, { action: 'acknowledge', seen });
      expect(error.code).toBe('changed');
      expect(error.message).toMatch(
        /asked for attention again since you opened it.*review it before acknowledging/,
      );
    });

    it('HZ-10 HZ-18 R3 a snooze of an alert that worsened since it was seen is refused, even for a length the new severity allows', () => {
      const max = DEFAULT_ALERTING_POLICY.maxSnoozeMinutes.medium as number;
      const seenLow = { severity: 'low' as const, attentionSince: OPENED };
      const error = refusal(alert({ severity: 'medium', attentionSince: OPENED }), {
        action: 'snooze',
        minutes: max,
        seen: seenLow,
      });
      expect(error.code).toBe('changed');
      expect(error.message).toMatch(
        /changed to Medium \(from Low\) since you opened it: review it before snoozing/,
      );
    });

    it('HZ-10 a resolution of an alert that worsened since it was seen is refused; an escalation of it goes ahead', () => {
      const error = refusal(alert({ severity: 'high', attentionSince: OPENED }), {
        action: 'resolve',
        note: 'advice given',
        outcome: 'advice-given',
        seen,
      });
      expect(error.code).toBe('changed');
      expect(error.message).toMatch(/review it before resolving/);
      // Escalating carries nothing to check: it only adds attention, so a worsening never holds it up.
      const { record } = applyAlertAction(
        alert({ severity: 'high', attentionSince: LATER }),
        { action: 'escalate', reason: 'SpO2 falling' },
        nurse,
        NOW,
        DEFAULT_ALERTING_POLICY,
      );
      expect(record.state).toBe('escalated');
    });
  });
});
