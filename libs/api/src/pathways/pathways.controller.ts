import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import {
  type ApplyPlanRequest,
  applyPlanRequestSchema,
  type CeilingRequest,
  ceilingRequestSchema,
  type DischargeResult,
  type PathwayDischargeRequest,
  pathwayDischargeRequestSchema,
  type PathwayTemplateView,
  type PlanView,
  type TailorPlanRequest,
  tailorPlanRequestSchema,
  wardScheduleQuerySchema,
  type WardScheduleRow,
} from '@vigil/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ALL_ROLES, type Principal } from '../auth/principal';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { PathwaysService } from './pathways.service';

const PatientId = new UuidPipe('patient');

/** Virtual-ward pathways (issue 13; docs/api-surface.md "Pathways"). */
@Controller()
export class PathwaysController {
  constructor(private readonly pathways: PathwaysService) {}

  @Get('pathways/templates')
  @Roles(...ALL_ROLES)
  templates(): PathwayTemplateView[] {
    return this.pathways.templates();
  }

  @Get('pathways/schedule')
  @Roles('nurse', 'clinician', 'admin')
  wardSchedule(
    @CurrentUser() me: Principal,
    @Query(new ZodPipe(wardScheduleQuerySchema)) q: { wardId?: string },
  ): Promise<WardScheduleRow[]> {
    return this.pathways.wardSchedule(me, q.wardId);
  }

  @Get('patients/:id/plan')
  @Roles(...ALL_ROLES)
  plan(@CurrentUser() me: Principal, @Param('id', PatientId) id: string): Promise<PlanView> {
    return this.pathways.plan(me, id);
  }

  /** Applies a pathway template (admission). */
  @Post('patients/:id/plan')
  @Roles('clinician', 'admin')
  apply(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(applyPlanRequestSchema)) body: ApplyPlanRequest,
  ): Promise<PlanView> {
    return this.pathways.applyTemplate(me, id, body.templateId);
  }

  // R9: tailoring a plan and recording a ceiling are clinical decisions: clinicians only.
  @Put('patients/:id/plan')
  @Roles('clinician')
  tailor(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(tailorPlanRequestSchema)) body: TailorPlanRequest,
  ): Promise<PlanView> {
    return this.pathways.tailor(me, id, body);
  }

  @Put('patients/:id/ceiling')
  @Roles('clinician')
  ceiling(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(ceilingRequestSchema)) body: CeilingRequest,
  ): Promise<PlanView> {
    return this.pathways.setCeiling(me, id, body);
  }

  @Post('patients/:id/pathway-discharge')
  @Roles('clinician', 'admin')
  discharge(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(pathwayDischargeRequestSchema)) body: PathwayDischargeRequest,
  ): Promise<DischargeResult> {
    return this.pathways.discharge(me, id, body);
  }

  @Get('patients/:id/discharge-summary')
  @Roles('clinician', 'admin')
  dischargeSummary(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
  ): Promise<DischargeResult> {
    return this.pathways.dischargeSummary(me, id);
  }
}
