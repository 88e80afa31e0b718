import { dischargeBlockerAlerts, dischargeRequest, HANDOVER_NOTE_REQUIRED } from './discharge';

describe('dischargeBlockerAlerts', () => {
  it('HZ-24 R14 lists the unresolved alerts only', () => {
    const alerts = [
      { id: 'a', state: 'open' as const, openedAt: '2026-11-30T09:00:00Z' },
      { id: 'b', state: 'resolved' as const, openedAt: '2026-11-30T08:00:00Z' },
      { id: 'c', state: 'escalated' as const, openedAt: '2026-11-30T07:00:00Z' },
      { id: 'd', state: 'acknowledged' as const, openedAt: '2026-11-30T06:00:00Z' },
    ];
    expect(dischargeBlockerAlerts(alerts).map((a) => a.id)).toEqual(['a', 'c', 'd']);
  });
});

describe('dischargeRequest', () => {
  it('HZ-24 R14 with open alerts a handover note is required; without, no note is asked for', () => {
    expect(dischargeRequest(2, '  ')).toEqual({ error: HANDOVER_NOTE_REQUIRED, body: null });
    expect(dischargeRequest(2, ' District nurses visit tomorrow ')).toEqual({
      error: null,
      body: { handoverNote: 'District nurses visit tomorrow' },
    });
    expect(dischargeRequest(0, '')).toEqual({ error: null, body: {} });
  });
});
