import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  type AddCareHomeDeviceRequest,
  addCareHomeDeviceRequestSchema,
  addCareHomeStaffRequestSchema,
  type AddResidentRequest,
  addResidentRequestSchema,
  type CareHomeDeviceView,
  type CareHomeFallView,
  type CareHomeView,
  type CreateCareHomeRequest,
  createCareHomeRequestSchema,
  fallsPreventionRequestSchema,
  resolveFallRequestSchema,
  type ResidentView,
} from '@vigil/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { CareHomesService } from './care-homes.service';
import type { FallsReport } from './falls-report';

const HomeId = new UuidPipe('care home');
const PatientId = new UuidPipe('resident');
const AlertId = new UuidPipe('fall');

/** Care homes (issue 14): set up by admins; each home's staff see and act on their residents' falls. */
@Controller('care-homes')
export class CareHomesController {
  constructor(private readonly homes: CareHomesService) {}

  @Get()
  @Roles('admin', 'care-home')
  list(@CurrentUser() me: Principal): Promise<CareHomeView[]> {
    return this.homes.list(me);
  }

  @Post()
  @Roles('admin')
  create(@Body(new ZodPipe(createCareHomeRequestSchema)) body: CreateCareHomeRequest): Promise<CareHomeView> {
    return this.homes.create(body);
  }

  @Post(':id/staff')
  @HttpCode(204)
  @Roles('admin')
  async addStaff(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Body(new ZodPipe(addCareHomeStaffRequestSchema)) body: { userId: string },
  ): Promise<void> {
    await this.homes.addStaff(me, id, body.userId);
  }

  @Get(':id/residents')
  @Roles('admin', 'care-home')
  residents(@CurrentUser() me: Principal, @Param('id', HomeId) id: string): Promise<ResidentView[]> {
    return this.homes.residents(me, id);
  }

  @Post(':id/residents')
  @Roles('admin', 'care-home')
  addResident(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Body(new ZodPipe(addResidentRequestSchema)) body: AddResidentRequest,
  ): Promise<ResidentView> {
    return this.homes.addResident(me, id, body);
  }

  @Put(':id/residents/:patientId/falls-prevention')
  @HttpCode(204)
  @Roles('admin', 'care-home')
  async fallsPrevention(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Param('patientId', PatientId) patientId: string,
    @Body(new ZodPipe(fallsPreventionRequestSchema)) body: { enrolled: boolean },
  ): Promise<void> {
    await this.homes.setFallsPrevention(me, id, patientId, body.enrolled);
  }

  @Get(':id/devices')
  @Roles('admin', 'care-home')
  devices(@CurrentUser() me: Principal, @Param('id', HomeId) id: string): Promise<CareHomeDeviceView[]> {
    return this.homes.devices(me, id);
  }

  @Post(':id/devices')
  @HttpCode(204)
  @Roles('admin')
  async addDevice(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Body(new ZodPipe(addCareHomeDeviceRequestSchema)) body: AddCareHomeDeviceRequest,
  ): Promise<void> {
    await this.homes.addDevice(me, id, body);
  }

  @Get(':id/falls')
  @Roles('admin', 'care-home')
  falls(@CurrentUser() me: Principal, @Param('id', HomeId) id: string): Promise<CareHomeFallView[]> {
    return this.homes.falls(me, id);
  }

  @Get(':id/falls-report')
  @Roles('admin', 'care-home')
  report(@CurrentUser() me: Principal, @Param('id', HomeId) id: string): Promise<FallsReport> {
    return this.homes.report(me, id);
  }

  @Post(':id/falls/:alertId/acknowledge')
  @Roles('care-home')
  acknowledge(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Param('alertId', AlertId) alertId: string,
  ): Promise<CareHomeFallView> {
    return this.homes.act(me, id, alertId, { action: 'acknowledge' });
  }

  @Post(':id/falls/:alertId/resolve')
  @Roles('care-home')
  resolve(
    @CurrentUser() me: Principal,
    @Param('id', HomeId) id: string,
    @Param('alertId', AlertId) alertId: string,
    @Body(new ZodPipe(resolveFallRequestSchema)) body: { note: string },
  ): Promise<CareHomeFallView> {
    return this.homes.act(me, id, alertId, { action: 'resolve', note: body.note });
  }
}
