import type { AlertRecord } from './alert-record';
import { alertRecord } from './rules/test-context';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { decideTimers } from './timers';

const T0 = new Date('2026-11-25T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

const alert = (over: Partial<AlertRecord> = {}) =>
  alertRecord({ severity: 'high', band: 'high', news2Total: 7, reason: 'NEWS2 7', ...over }, T0);

describe('timers: escalation and re-prompting', () => {
  it('escalates an unacknowledged alert once its severity limit has passed since it asked for attention', () => {
    expect(decideTimers([alert()], at(14), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    const { save, audits, events } = decideTimers([alert()], at(15), DEFAULT_ALERTING_POLICY);
    expect(save.map((a) => a.state)).toEqual(['escalated']);
    expect(audits.map((a) => [a.action, a.actor])).toEqual([['escalated-by-timer', null]]);
    expect(events.map((e) => e.type)).toEqual(['alert.escalated']);
  });

  it('HZ-21 R13 overdue-reading and technical alerts escalate when left unacknowledged', () => {
    const overdue = alert({ ruleId: 'overdue-reading', severity: 'low', band: null, news2Total: null });
    const offline = alert({
      ruleId: 'device-offline',
      kind: 'technical',
      severity: 'technical',
      subject: 'ox-1',
    });
    const limit = DEFAULT_ALERTING_POLICY.escalationMinutes;
    expect(decideTimers([overdue], at(limit.low), DEFAULT_ALERTING_POLICY).save.map((a) => a.state)).toEqual([
      'escalated',
    ]);
    expect(
      decideTimers([offline], at(limit.technical), DEFAULT_ALERTING_POLICY).save.map((a) => a.state),
    ).toEqual(['escalated']);
  });

  it('HZ-21 R5 an acknowledged alert whose cause persists re-prompts (high 30 min, medium 60 min) and then re-escalates', () => {
    const acked = alert({ state: 'acknowledged', acknowledgedAt: at(5), acknowledgedBy: 'n1' });
    expect(decideTimers([acked], at(34), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    const { save, audits, events } = decideTimers([acked], at(35), DEFAULT_ALERTING_POLICY);
    expect(save[0]).toMatchObject({ state: 'open', attentionSince: at(35) });
    expect(audits[0]).toMatchObject({ action: 'reprompted', fromState: 'acknowledged', toState: 'open' });
    expect(events[0].type).toBe('alert.updated');
    // Nobody answers the re-prompt: it escalates 15 minutes later.
    expect(decideTimers(save, at(50), DEFAULT_ALERTING_POLICY).save.map((a) => a.state)).toEqual([
      'escalated',
    ]);
    const medium = alert({ severity: 'medium', state: 'acknowledged', acknowledgedAt: at(0) });
    expect(decideTimers([medium], at(59), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([medium], at(60), DEFAULT_ALERTING_POLICY).save.map((a) => a.state)).toEqual([
      'open',
    ]);
  });

  it('HZ-21 R5 R13 an acknowledged overdue-reading or technical alert whose cause persists re-prompts too (4 h, 8 h: never longer than the longest snooze)', () => {
    const overdue = alert({
      ruleId: 'overdue-reading',
      severity: 'low',
      band: null,
      news2Total: null,
      state: 'acknowledged',
      acknowledgedAt: at(0),
    });
    expect(decideTimers([overdue], at(239), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([overdue], at(240), DEFAULT_ALERTING_POLICY).audits[0]).toMatchObject({
      action: 'reprompted',
      toState: 'open',
    });
    const offline = alert({
      ruleId: 'device-offline',
      kind: 'technical',
      severity: 'technical',
      subject: 'ox-1',
      state: 'acknowledged',
      acknowledgedAt: at(0),
    });
    expect(decideTimers([offline], at(479), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([offline], at(480), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      state: 'open',
    });
    for (const severity of ['low', 'technical'] as const) {
      expect(DEFAULT_ALERTING_POLICY.repromptMinutes[severity]).toBeLessThanOrEqual(
        DEFAULT_ALERTING_POLICY.maxSnoozeMinutes[severity]!,
      );
    }
  });

  it('HZ-21 R5 an acknowledged alert whose cause has cleared does not re-prompt', () => {
    const cleared = alert({ state: 'acknowledged', acknowledgedAt: at(0), conditionActive: false });
    expect(decideTimers([cleared], at(300), DEFAULT_ALERTING_POLICY).save).toEqual([]);
  });

  it('HZ-18 R3 a snooze pauses escalation of what was snoozed, until it ends', () => {
    const snoozed = alert({ severity: 'medium', snoozedUntil: at(40), snoozeSeverity: 'medium' });
    expect(decideTimers([snoozed], at(35), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers([snoozed], at(41), DEFAULT_ALERTING_POLICY).save.map((a) => a.state)).toEqual([
      'escalated',
    ]);
  });
});
