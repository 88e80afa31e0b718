import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  type MissedCheckInView,
  type SmiContactRequest,
  smiContactRequestSchema,
  type SmiPlanRequest,
  smiPlanRequestSchema,
  type SmiPlanView,
} from '@vigil/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { SmiService } from './smi.service';

const PatientId = new UuidPipe('patient');
const MissedId = new UuidPipe('missed check-in');

/** The SMI light plan (issue 14 §3) and its missed check-ins for the named care coordinator. */
@Controller()
export class SmiController {
  constructor(private readonly smi: SmiService) {}

  @Put('patients/:id/smi-plan')
  @Roles('clinician', 'admin')
  setPlan(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(smiPlanRequestSchema)) body: SmiPlanRequest,
  ): Promise<SmiPlanView> {
    return this.smi.setPlan(me, id, body);
  }

  @Get('patients/:id/smi-plan')
  @Roles('nurse', 'clinician', 'admin')
  plan(@CurrentUser() me: Principal, @Param('id', PatientId) id: string): Promise<SmiPlanView> {
    return this.smi.plan(me, id);
  }

  @Get('smi/missed-check-ins')
  @Roles('nurse', 'clinician', 'admin')
  missed(@CurrentUser() me: Principal): Promise<MissedCheckInView[]> {
    return this.smi.missed(me);
  }

  @Post('smi/missed-check-ins/:id/acknowledge')
  @HttpCode(204)
  @Roles('nurse', 'clinician', 'admin')
  async acknowledge(@CurrentUser() me: Principal, @Param('id', MissedId) id: string): Promise<void> {
    await this.smi.acknowledge(me, id);
  }

  /** What came of a contact about a missed check-in (audited); "no answer" keeps it open (HZ-66). */
  @Post('smi/missed-check-ins/:id/contacts')
  @HttpCode(201)
  @Roles('nurse', 'clinician', 'admin')
  contact(
    @CurrentUser() me: Principal,
    @Param('id', MissedId) id: string,
    @Body(new ZodPipe(smiContactRequestSchema)) body: SmiContactRequest,
  ): Promise<{ closed: boolean }> {
    return this.smi.recordContact(me, id, body);
  }
}
