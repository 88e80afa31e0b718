import { RecentMessages } from './recent-messages';

describe('RecentMessages (security review D3)', () => {
  it('D3 tells a redelivery (same bytes) from a reused seq (different bytes)', () => {
    const recent = new RecentMessages(10);
    const a = RecentMessages.digest(Buffer.from('{"seq":7,"value":1}'));
    const b = RecentMessages.digest(Buffer.from('{"seq":7,"value":2}'));
    expect(recent.check('ox-1', 7, a)).toBe('new');
    recent.remember('ox-1', 7, a, new Date('2026-11-25T10:00:00Z'));
    expect(recent.check('ox-1', 7, a)).toBe('duplicate');
    expect(recent.check('ox-1', 7, b)).toBe('seq-reused');
    expect(recent.check('ox-2', 7, a)).toBe('new');
  });

  it('D3 remembers when each (device, seq) was first received, for the seq-reused detail', () => {
    const recent = new RecentMessages(10);
    recent.remember('ox-1', 7, 'a', new Date('2026-11-25T10:00:00Z'));
    expect(recent.firstSeenAt('ox-1', 7)?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(recent.firstSeenAt('ox-1', 8)).toBeNull();
  });

  it('D3 is bounded: the oldest (device, seq) is forgotten first', () => {
    const recent = new RecentMessages(3);
    for (let seq = 1; seq <= 5; seq += 1) recent.remember('ox-1', seq, String(seq), new Date(seq));
    expect(recent.size).toBe(3);
    expect(recent.check('ox-1', 1, '1')).toBe('new');
    expect(recent.check('ox-1', 5, '5')).toBe('duplicate');
  });
});
