import { pipelineStatus } from './status.controller';

describe('pipelineStatus', () => {
  const now = new Date('2026-01-01T12:00:00Z');

  it('is unhealthy before any heartbeat and after a stall', () => {
    expect(pipelineStatus(null, now)).toMatchObject({ healthy: false, lastHeartbeatAt: null });
    const stale = pipelineStatus(new Date('2026-01-01T11:57:00Z'), now);
    expect(stale.healthy).toBe(false);
    expect(stale.detail).toMatch(/180 seconds/);
  });

  it('is healthy with a recent heartbeat', () => {
    expect(pipelineStatus(new Date('2026-01-01T11:59:00Z'), now)).toMatchObject({
      healthy: true,
      lastHeartbeatAt: '2026-01-01T11:59:00.000Z',
    });
  });
});
