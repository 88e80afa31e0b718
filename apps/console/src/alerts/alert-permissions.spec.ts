import type { AlertSummary } from '@vigil/contracts';
import { actionsFor, alertRecordOf, reasonLines, snoozeChoices } from './alert-permissions';

const base: AlertSummary = {
  id: '6f1c1a52-8f0e-4c43-9c8e-0a3b7e2b8d11',
  patientId: '6f1c1a52-8f0e-4c43-9c8e-0a3b7e2b8d12',
  wardId: '6f1c1a52-8f0e-4c43-9c8e-0a3b7e2b8d13',
  ruleId: 'deterioration',
  ruleVersion: 1,
  kind: 'clinical',
  severity: 'medium',
  state: 'open',
  reason: 'NEWS2 5 (medium): urgent response',
  reasons: [],
  band: 'medium',
  news2Total: 5,
  partial: false,
  triggeringParameters: ['spo2'],
  openedAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
  attentionSince: '2026-11-30T09:00:00.000Z',
  lastObservationAt: '2026-11-30T08:59:00.000Z',
  assignedTo: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  escalatedAt: null,
  escalationReason: null,
  resolvedAt: null,
  resolutionNote: null,
  snoozedUntil: null,
  tier: null,
  tierSince: null,
  tierTargetMinutes: null,
  nextTier: null,
  outcome: null,
};

describe('actionsFor', () => {
  it('HZ-18 R3 offers no Snooze on a fall (critical) or a high alert, to anyone', () => {
    const fall = { ...base, ruleId: 'fall' as const, severity: 'critical' as const };
    const high = { ...base, severity: 'high' as const };
    for (const role of ['nurse', 'clinician'] as const) {
      expect(actionsFor(fall, role).has('snooze')).toBe(false);
      expect(actionsFor(high, role).has('snooze')).toBe(false);
      expect(actionsFor(fall, role).has('acknowledge')).toBe(true);
    }
    expect(actionsFor(base, 'nurse').has('snooze')).toBe(true);
  });

  it('follows role and state: coordinators do not escalate or snooze; nothing is offered on a resolved alert', () => {
    expect([...actionsFor(base, 'coordinator')].sort()).toEqual(['acknowledge', 'assign', 'resolve']);
    expect([...actionsFor({ ...base, state: 'resolved' }, 'nurse')]).toEqual([]);
    const escalated = actionsFor({ ...base, state: 'escalated' }, 'nurse');
    expect(escalated.has('escalate')).toBe(false);
    expect(escalated.has('resolve')).toBe(true);
  });

  it('carries the summary into the domain record faithfully', () => {
    const r = alertRecordOf({ ...base, state: 'acknowledged', acknowledgedAt: '2026-11-30T09:05:00.000Z' });
    expect(r).toMatchObject({
      id: base.id,
      state: 'acknowledged',
      severity: 'medium',
      ruleId: 'deterioration',
    });
    expect(r.acknowledgedAt?.toISOString()).toBe('2026-11-30T09:05:00.000Z');
    expect(r.attentionSince.toISOString()).toBe(base.attentionSince);
  });
});

describe('snoozeChoices', () => {
  it('HZ-18 R3 bounds snooze lengths by severity; none for falls and high alerts', () => {
    expect(snoozeChoices({ severity: 'medium' })).toEqual([15, 30]);
    expect(snoozeChoices({ severity: 'low-medium' })).toEqual([15, 30, 60]);
    expect(snoozeChoices({ severity: 'technical' })).toEqual([15, 30, 60, 120, 240, 480]);
    expect(snoozeChoices({ severity: 'critical' })).toEqual([]);
    expect(snoozeChoices({ severity: 'high' })).toEqual([]);
  });
});

describe('reasonLines', () => {
  it('lists every reason of one clinical alert (one row per problem)', () => {
    const reasons = [
      {
        ruleId: 'news2-band' as const,
        ruleVersion: 1,
        severity: 'medium' as const,
        text: 'NEWS2 5 (medium)',
        triggeringParameters: ['spo2' as const],
      },
      {
        ruleId: 'personal-threshold' as const,
        ruleVersion: 1,
        severity: 'medium' as const,
        text: 'SpO2 86% below the personal threshold of 88%',
        triggeringParameters: ['spo2' as const],
      },
    ];
    expect(reasonLines({ reason: 'NEWS2 5 (medium)', reasons })).toEqual([
      'NEWS2 5 (medium)',
      'SpO2 86% below the personal threshold of 88%',
    ]);
    expect(reasonLines({ reason: 'Fall detected', reasons: [] })).toEqual(['Fall detected']);
  });

  it('HZ-06 shows the instants a reason names in UK time, as the rest of the console does (BST in summer, GMT in winter)', () => {
    const offline = (since: string) => ({
      reason: `Device ox-1 has not been heard from since ${since} (more than 60 minutes): readings from it may be missing.`,
      reasons: [],
    });
    expect(reasonLines(offline('2026-06-10T07:55:00.000Z'))).toEqual([
      'Device ox-1 has not been heard from since 10 Jun 2026, 08:55 (more than 60 minutes): readings from it may be missing.',
    ]);
    expect(reasonLines(offline('2026-12-10T07:55:00.000Z'))[0]).toContain('since 10 Dec 2026, 07:55 (more');
    // Several in one reason (the monitoring plan's overdue parameters), and text with no instant, unchanged.
    expect(
      reasonLines({
        reason: 'Overdue: spo2 (last 2026-07-01T23:30:00Z); heartRate (last 2026-07-02T00:10:00.5Z).',
        reasons: [],
      }),
    ).toEqual(['Overdue: spo2 (last 2 Jul 2026, 00:30); heartRate (last 2 Jul 2026, 01:10).']);
  });
});
