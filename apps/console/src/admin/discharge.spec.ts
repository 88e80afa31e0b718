import {
  DEVICES_REQUIRED,
  dischargeBlockerAlerts,
  dischargeFormRequest,
  HANDOVER_NOTE_REQUIRED,
  OUTCOME_REQUIRED,
} from './discharge';

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

describe('dischargeFormRequest (the one discharge: pathway discharge)', () => {
  const filled = {
    outcome: 'recovered-at-home',
    deviceReturn: 'returned',
    note: ' GP to review ',
    handover: '',
  };

  it('HZ-24 R14 with open alerts a handover note is required; without, none is sent', () => {
    expect(dischargeFormRequest({ ...filled, handover: '  ' }, 2)).toEqual({
      errors: [{ href: 'discharge-handover', message: HANDOVER_NOTE_REQUIRED }],
      body: null,
    });
    expect(dischargeFormRequest({ ...filled, handover: ' District nurses visit tomorrow ' }, 2).body).toEqual(
      {
        outcome: 'recovered-at-home',
        deviceReturn: 'returned',
        note: 'GP to review',
        handoverNote: 'District nurses visit tomorrow',
      },
    );
    expect(dischargeFormRequest({ ...filled, handover: 'left over' }, 0).body).toEqual({
      outcome: 'recovered-at-home',
      deviceReturn: 'returned',
      note: 'GP to review',
    });
  });

  it('asks for the outcome of the stay and the device return, naming each control', () => {
    expect(dischargeFormRequest({ outcome: '', deviceReturn: 'lost', note: '', handover: '' }, 0)).toEqual({
      errors: [
        { href: 'discharge-outcome', message: OUTCOME_REQUIRED },
        { href: 'discharge-devices', message: DEVICES_REQUIRED },
      ],
      body: null,
    });
  });
});
