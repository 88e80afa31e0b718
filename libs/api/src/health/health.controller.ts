import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { SqlDatabase } from '@vigil/storage';
import { Public } from '../auth/auth.decorators';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';

/** Liveness and readiness for load balancers: public, and it says nothing about patients. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: SqlDatabase,
    private readonly reads: ConsoleReadsRepository,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('database');
        try {
          await this.reads.ping(this.db);
          return indicator.up();
        } catch {
          return indicator.down({ message: 'database unreachable' });
        }
      },
    ]);
  }
}
