import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { SqlDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import { API_STREAM } from '../api.options';
import { Public } from '../auth/auth.decorators';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';

/**
 * How long the database may take to answer the health check before it counts as down. The pool has no
 * connection timeout, so under overload a ping could queue behind every busy connection and /health would
 * hang instead of answering (the fault suite at 2,000 readings/s: probes timed out during a database cut).
 */
export const HEALTH_DATABASE_TIMEOUT_MS = 1_500;

/** Liveness and readiness for load balancers: public, and it says nothing about patients. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: SqlDatabase,
    private readonly reads: ConsoleReadsRepository,
    @Inject(API_STREAM) private readonly stream: StreamPort,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('database');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), HEALTH_DATABASE_TIMEOUT_MS);
        });
        try {
          const answer = await Promise.race([this.reads.ping(this.db), late]);
          if (answer === 'late')
            return indicator.down({
              message: `database did not answer within ${HEALTH_DATABASE_TIMEOUT_MS} ms`,
            });
          return indicator.up();
        } catch {
          return indicator.down({ message: 'database unreachable' });
        } finally {
          clearTimeout(timer);
        }
      },
      // The stream as docs/operations.md says: down when a consumer crashed (kafkajs gave up on it), so the
      // orchestrator restarts this instance instead of leaving consoles without live alerts.
      async () => {
        const indicator = this.indicators.check('stream');
        const health = this.stream.health();
        const consumers = health.consumers.length;
        if (health.ok) return indicator.up({ adapter: health.adapter, consumers });
        const crashed = health.consumers.filter((c) => c.state === 'crashed').map((c) => c.topic);
        return indicator.down({
          adapter: health.adapter,
          message: `consumer crashed: ${crashed.join(', ')}`,
        });
      },
    ]);
  }
}
