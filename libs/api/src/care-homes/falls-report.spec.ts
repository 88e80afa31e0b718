import { fallsReport } from './falls-report';

const NOW = new Date('2026-11-30T12:00:00Z');
const daysAgo = (d: number, plusMin = 0) => new Date(NOW.getTime() - d * 86_400_000 + plusMin * 60_000);

describe('care-home falls view (issue 14)', () => {
  const residents = [
    { patientId: 'a', name: 'Ann', room: '1', fallsPrevention: true },
    { patientId: 'b', name: 'Bob', room: '2', fallsPrevention: false },
    { patientId: 'c', name: 'Cy', room: null, fallsPrevention: true },
  ];
  const falls = [
    {
      patientId: 'a',
      openedAt: daysAgo(1),
      acknowledgedAt: daysAgo(1, 2),
      escalationDestination: 'care-home',
    },
    {
      patientId: 'a',
      openedAt: daysAgo(12),
      acknowledgedAt: daysAgo(12, 4),
      escalationDestination: 'care-home',
    },
    { patientId: 'b', openedAt: daysAgo(3), acknowledgedAt: null, escalationDestination: 'virtual-ward' },
    {
      patientId: 'b',
      openedAt: daysAgo(40),
      acknowledgedAt: daysAgo(40, 1),
      escalationDestination: 'care-home',
    },
    {
      patientId: 'c',
      openedAt: daysAgo(20),
      acknowledgedAt: daysAgo(20, 9),
      escalationDestination: 'care-home',
    },
  ];

  it('counts falls per resident over 7 and 30 days and finds repeat fallers (2 or more in 30 days)', () => {
    const r = fallsReport(residents, falls, NOW);
    expect(r.residents.map((x) => [x.patientId, x.falls7, x.falls30, x.repeatFaller])).toEqual([
      ['a', 1, 2, true],
      ['b', 1, 1, false],
      ['c', 0, 1, false],
    ]);
    expect([r.falls7, r.falls30, r.repeatFallers]).toEqual([2, 4, 1]);
    expect(r.residents[0].lastFallAt).toBe(daysAgo(1).toISOString());
  });

  it('measures time to acknowledge (median, longest) and counts falls that timed out to the virtual ward', () => {
    const r = fallsReport(residents, falls, NOW);
    expect(r.acknowledged30).toBe(3);
    expect(r.medianMinutesToAcknowledge).toBe(4);
    expect(r.longestMinutesToAcknowledge).toBe(9);
    expect(r.timedOutToVirtualWard30).toBe(1);
  });

  it('has nothing to measure for a home without falls', () => {
    const r = fallsReport(residents, [], NOW);
    expect(r).toMatchObject({ falls30: 0, medianMinutesToAcknowledge: null, repeatFallers: 0 });
  });
});
