import { DEFAULT_ESCALATION_LADDER, reEscalation, startingTier, tierStatus } from './escalation';
import { ceilingAdvice } from './outcomes';

const T0 = new Date('2026-12-01T10:00:00Z');
const at = (m: number) => new Date(T0.getTime() + m * 60_000);
const ladder = DEFAULT_ESCALATION_LADDER;

describe('tiered escalation (fake clock)', () => {
  it('HZ-33: an alert starts with the ward nurse; NEWS2 ≥ 7 and falls go straight to the clinician and the CCC', () => {
    expect(startingTier(ladder, 'medium')).toEqual({ tier: 'ward-nurse', alsoNotified: [] });
    expect(startingTier(ladder, 'high')).toEqual({ tier: 'ccc', alsoNotified: ['ward-clinician'] });
    expect(startingTier(ladder, 'critical').tier).toBe('ccc');
  });

  it('HZ-33: a tier that does not act by its target re-escalates to the next; one that acted does not', () => {
    expect(reEscalation(ladder, 'ward-nurse', T0, false, at(29))).toBeNull();
    expect(reEscalation(ladder, 'ward-nurse', T0, false, at(30))).toEqual({
      tier: 'ward-clinician',
      responseMinutes: 30,
    });
    expect(reEscalation(ladder, 'ward-nurse', T0, true, at(90))).toBeNull();
    expect(reEscalation(ladder, 'ccc', T0, false, at(15))?.tier).toBe('urgent-response');
    expect(reEscalation(ladder, 'urgent-response', T0, false, at(500))).toBeNull();
  });

  it('reports minutes left against the response-time target', () => {
    expect(tierStatus(ladder, 'ccc', T0, false, at(10))).toMatchObject({ minutesLeft: 5, breached: false });
    expect(tierStatus(ladder, 'ccc', T0, false, at(20))).toMatchObject({ minutesLeft: -5, breached: true });
  });

  it('HZ-34: a ReSPECT ceiling is advice in words; none recorded means escalate fully', () => {
    expect(ceilingAdvice(null)).toMatch(/escalate fully/);
    const c = {
      focus: 'comfort-care' as const,
      cprAttempt: false,
      note: '',
      recordedBy: 'dr',
      recordedAt: T0.toISOString(),
    };
    expect(ceilingAdvice(c)).toMatch(/comfort care.*Not for CPR/);
  });
});
