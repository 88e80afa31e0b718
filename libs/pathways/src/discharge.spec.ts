import { dischargeReadiness } from './discharge';
import { PATHWAY_TEMPLATES } from './templates';

const NOW = new Date('2026-12-05T10:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const criteria = PATHWAY_TEMPLATES.ari.discharge;

describe('discharge criteria', () => {
  const calm = [{ total: 1, redScore: false, partial: false, at: hoursAgo(2) }];

  it('are met after 48 h without a medium NEWS2, with a complete score and no open alerts', () => {
    expect(dischargeReadiness(criteria, calm, 0, hoursAgo(72), NOW).met).toBe(true);
  });

  it('are not met with a NEWS2 of 5 in the window, an open alert, or no complete score (silence is not stability)', () => {
    const five = [...calm, { total: 5, redScore: false, partial: false, at: hoursAgo(40) }];
    expect(dischargeReadiness(criteria, five, 0, hoursAgo(72), NOW).met).toBe(false);
    expect(dischargeReadiness(criteria, calm, 1, hoursAgo(72), NOW).met).toBe(false);
    expect(dischargeReadiness(criteria, [], 0, hoursAgo(72), NOW).met).toBe(false);
    expect(dischargeReadiness(criteria, calm, 0, hoursAgo(10), NOW).met).toBe(false);
  });
});
