import { EpisodeBook } from './episodes';
import { DEFAULT_ALERTING_POLICY } from './policy';
import { evaluateFall } from './rules/fall.rule';
import { ctx, patient, reading } from './rules/test-context';
import type { ActiveFinding } from './rules/rule';
import { decideTimers, earliestTimerMinutes } from './timers';

const NOW = new Date('2026-11-25T10:00:00Z');
const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
const RESIDENT = { ...patient(), careHomeId: 'home-1' };

function fallFinding(when: Date): ActiveFinding {
  const [f] = evaluateFall(ctx({ readings: [reading('fall', 1, null, { measuredAt: when.toISOString() })] }));
  if (!f.active) throw new Error('expected a fall');
  return f;
}

function residentFall() {
  const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
  book.apply(RESIDENT, fallFinding(NOW));
  return book.changes();
}

describe('care-home falls (issue 14): the home first, then the virtual ward', () => {
  it("HZ-43 a resident's fall opens with the care home, not at the CCC", () => {
    const { save, audits } = residentFall();
    expect(save[0]).toMatchObject({
      state: 'open',
      severity: 'critical',
      escalationDestination: 'care-home',
      escalatedAt: null,
    });
    expect(audits.map((a) => a.action)).toEqual(['opened', 'sent-to-care-home']);
  });

  it('HZ-43 unacknowledged by the home within 10 minutes it goes to the virtual ward, open, its clock restarted; then on to the CCC', () => {
    const [fall] = residentFall().save;
    expect(decideTimers([fall], at(9), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    const { save, audits, events } = decideTimers([fall], at(10), DEFAULT_ALERTING_POLICY);
    expect(save[0]).toMatchObject({
      state: 'open',
      escalationDestination: 'virtual-ward',
      attentionSince: at(10),
      escalatedAt: null,
    });
    expect(save[0].escalationReason).toMatch(/care home within 10 minutes/);
    expect(audits.map((a) => a.action)).toEqual(['escalated-to-virtual-ward']);
    expect(events.map((e) => e.type)).toEqual(['alert.updated']);
    // The virtual ward does not answer either: the CCC has it after the fall's own limit (5 minutes).
    expect(decideTimers(save, at(14), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    expect(decideTimers(save, at(15), DEFAULT_ALERTING_POLICY).save[0]).toMatchObject({
      state: 'escalated',
      escalationDestination: 'ccc',
    });
  });

  it('HZ-43 acknowledged by the home in time, it stays with the home (re-prompted there if it persists)', () => {
    const [fall] = residentFall().save;
    const acked = {
      ...fall,
      state: 'acknowledged' as const,
      acknowledgedAt: at(3),
      acknowledgedBy: 'carer-1',
    };
    expect(decideTimers([acked], at(12), DEFAULT_ALERTING_POLICY).save).toEqual([]);
    const reprompted = decideTimers([acked], at(18), DEFAULT_ALERTING_POLICY).save[0];
    expect(reprompted).toMatchObject({ state: 'open', escalationDestination: 'care-home' });
  });

  it('the care-home limit is configurable and counts among the timers', () => {
    const policy = { ...DEFAULT_ALERTING_POLICY, careHomeAcknowledgeMinutes: 2 };
    const [fall] = residentFall().save;
    expect(decideTimers([fall], at(2), policy).save[0].escalationDestination).toBe('virtual-ward');
    expect(earliestTimerMinutes(policy)).toBe(2);
  });

  it('a patient who is not a care-home resident still reaches the CCC at once (R6)', () => {
    const book = new EpisodeBook([], DEFAULT_ALERTING_POLICY, NOW);
    book.apply({ ...patient(), careHomeId: null }, fallFinding(NOW));
    expect(book.changes().save[0]).toMatchObject({ escalationDestination: 'ccc', escalatedAt: NOW });
  });
});
