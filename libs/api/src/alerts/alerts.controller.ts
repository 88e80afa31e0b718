import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  type AcknowledgeAlertRequest,
  acknowledgeAlertRequestSchema,
  type AlertDetail,
  type AlertsQuery,
  alertsQuerySchema,
  type AlertView,
  type AssignAlertRequest,
  assignAlertRequestSchema,
  type EscalateAlertRequest,
  escalateAlertRequestSchema,
  type ResolveAlertRequest,
  resolveAlertRequestSchema,
  type SnoozeAlertRequest,
  snoozeAlertRequestSchema,
} from '@vigil/contracts';
import { ROLES_FOR_ACTION } from '@vigil/alerting';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ALL_ROLES, type Principal } from '../auth/principal';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { AlertsService } from './alerts.service';
import { pageAnswer } from './page-answer';

const AlertId = new UuidPipe('alert');

@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles(...ALL_ROLES)
  async list(
    @CurrentUser() me: Principal,
    @Query(new ZodPipe(alertsQuerySchema)) q: AlertsQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AlertView[]> {
    return pageAnswer(await this.alerts.list(me, q), res);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  detail(@CurrentUser() me: Principal, @Param('id', AlertId) id: string): Promise<AlertDetail> {
    return this.alerts.detail(me, id);
  }

  @Post(':id/acknowledge')
  @Roles(...ROLES_FOR_ACTION.acknowledge)
  @HttpCode(200)
  acknowledge(
    @CurrentUser() me: Principal,
    @Param('id', AlertId) id: string,
    @Body(new ZodPipe(acknowledgeAlertRequestSchema)) body: AcknowledgeAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(me, id, body.seen);
  }

  @Post(':id/assign')
  @Roles(...ROLES_FOR_ACTION.assign)
  @HttpCode(200)
  assign(
    @CurrentUser() me: Principal,
    @Param('id', AlertId) id: string,
    @Body(new ZodPipe(assignAlertRequestSchema)) body: AssignAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.assign(me, id, body.userId);
  }

  @Post(':id/escalate')
  @Roles(...ROLES_FOR_ACTION.escalate)
  @HttpCode(200)
  escalate(
    @CurrentUser() me: Principal,
    @Param('id', AlertId) id: string,
    @Body(new ZodPipe(escalateAlertRequestSchema)) body: EscalateAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.escalate(me, id, body);
  }

  @Post(':id/resolve')
  @Roles(...ROLES_FOR_ACTION.resolve)
  @HttpCode(200)
  resolve(
    @CurrentUser() me: Principal,
    @Param('id', AlertId) id: string,
    @Body(new ZodPipe(resolveAlertRequestSchema)) body: ResolveAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.resolve(me, id, body.note, body.outcome, body.seen);
  }

  @Post(':id/snooze')
  @Roles(...ROLES_FOR_ACTION.snooze)
  @HttpCode(200)
  snooze(
    @CurrentUser() me: Principal,
    @Param('id', AlertId) id: string,
    @Body(new ZodPipe(snoozeAlertRequestSchema)) body: SnoozeAlertRequest,
  ): Promise<AlertView> {
    return this.alerts.snooze(me, id, body.minutes, body.seen);
  }
}
