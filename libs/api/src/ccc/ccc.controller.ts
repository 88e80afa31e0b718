import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type AlertsQuery, alertsQuerySchema, type AlertView } from '@vigil/contracts';
import { pageAnswer } from '../alerts/page-answer';
import { AlertsService } from '../alerts/alerts.service';
import { Roles } from '../auth/auth.decorators';
import { ZodPipe } from '../common/zod.pipe';

const cccQueueQuerySchema = alertsQuerySchema.pick({ limit: true, cursor: true });

@Controller('ccc')
export class CccController {
  constructor(private readonly alerts: AlertsService) {}

  /**
   * Escalated, unresolved alerts across every ward, most severe then oldest first; paged like GET /alerts
   * (`limit`, `cursor`, `X-Next-Cursor`, `X-Total-Count`).
   */
  @Get('queue')
  @Roles('coordinator', 'admin')
  async queue(
    @Query(new ZodPipe(cccQueueQuerySchema)) q: Pick<AlertsQuery, 'limit' | 'cursor'>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AlertView[]> {
    return pageAnswer(await this.alerts.cccQueue(q), res);
  }
}
