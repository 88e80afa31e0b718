import { Controller, Get } from '@nestjs/common';
import type { PipelineStatus } from '@vigil/contracts';
import { ScoringContextRepository, SqlDatabase } from '@vigil/storage';
import { Roles } from '../auth/auth.decorators';
import { ALL_ROLES } from '../auth/principal';

/** Same threshold as the scorer's stall detection (`pipelineStallSeconds`, HZ-01). */
export const PIPELINE_STALL_MS = 120_000;

export function pipelineStatus(lastBeat: Date | null, now: Date): PipelineStatus['pipeline'] {
  if (lastBeat === null) {
    return { healthy: false, lastHeartbeatAt: null, detail: 'No pipeline heartbeat received yet.' };
  }
  const age = now.getTime() - lastBeat.getTime();
  const healthy = age <= PIPELINE_STALL_MS;
  return {
    healthy,
    lastHeartbeatAt: lastBeat.toISOString(),
    detail: healthy
      ? 'Readings are flowing through the alerting pipeline.'
      : `No pipeline heartbeat for ${Math.round(age / 1000)} seconds: alerts may be delayed.`,
  };
}

@Controller('status')
export class StatusController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly context: ScoringContextRepository,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
  async status(): Promise<PipelineStatus> {
    const now = new Date();
    const last = await this.context.lastPipelineHeartbeat(this.db);
    return { pipeline: pipelineStatus(last, now), serverTime: now.toISOString() };
  }
}
