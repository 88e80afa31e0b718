import { Controller, Get } from '@nestjs/common';
import type { AlertView } from '@vigil/contracts';
import { AlertsService } from '../alerts/alerts.service';
import { Roles } from '../auth/auth.decorators';

@Controller('ccc')
export class CccController {
  constructor(private readonly alerts: AlertsService) {}

  /** Escalated, unresolved alerts across every ward, most severe then oldest first. */
  @Get('queue')
  @Roles('coordinator', 'admin')
  queue(): Promise<AlertView[]> {
    return this.alerts.cccQueue();
  }
}
