import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  type BindDeviceRequest,
  bindDeviceRequestSchema,
  DEVICE_ID_PATTERN,
  type DeviceView,
  type ProvisionDeviceRequest,
  provisionDeviceRequestSchema,
  type ProvisionedDeviceView,
} from '@vigil/contracts';
import { type DeviceEntity, DeviceRegistryRepository } from '@vigil/storage';
import { AccessService } from '../auth/access.service';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { ZodPipe } from '../common/zod.pipe';

function deviceId(raw: string): string {
  if (!DEVICE_ID_PATTERN.test(raw)) throw ApiError.notFound('device');
  return raw;
}

@Controller('devices')
export class DevicesController {
  constructor(
    private readonly registry: DeviceRegistryRepository,
    private readonly access: AccessService,
  ) {}

  @Get()
  @Roles('admin')
  async list(): Promise<DeviceView[]> {
    const devices = await this.registry.listDevices();
    return Promise.all(devices.map((d) => this.view(d)));
  }

  /** The secret is in this response only; it is stored as an argon2 hash and can only be rotated. */
  @Post()
  @Roles('admin')
  async provision(
    @Body(new ZodPipe(provisionDeviceRequestSchema)) body: ProvisionDeviceRequest,
  ): Promise<ProvisionedDeviceView> {
    const { device, secret } = await this.registry.provision(body);
    return { device: await this.view(device), secret };
  }

  @Post(':id/bind')
  @Roles('admin', 'clinician')
  @HttpCode(200)
  async bind(
    @CurrentUser() me: Principal,
    @Param('id') rawId: string,
    @Body(new ZodPipe(bindDeviceRequestSchema)) body: BindDeviceRequest,
  ): Promise<DeviceView> {
    const id = deviceId(rawId);
    const patient = await this.access.requirePatient(me, body.patientId, 'write');
    if (patient.dischargedAt) throw ApiError.conflict('patient is discharged');
    const device = await this.registry.findDevice(id);
    if (!device) throw ApiError.notFound('device');
    await this.registry.bind({ deviceId: id, patientId: patient.id, by: me.userId });
    return this.view(device);
  }

  @Post(':id/unbind')
  @Roles('admin', 'clinician')
  @HttpCode(200)
  async unbind(@CurrentUser() me: Principal, @Param('id') rawId: string): Promise<DeviceView> {
    // One answer for a missing device, an unbound one and one bound on another ward (D11): three different
    // errors would let a clinician probe which devices exist and where they are bound.
    const notYours = () => ApiError.notFound('device bound to a patient on your wards');
    if (!DEVICE_ID_PATTERN.test(rawId)) throw notYours();
    const id = rawId;
    const device = await this.registry.findDevice(id);
    if (!device) throw notYours();
    const current = await this.currentBinding(id);
    if (!current) throw notYours();
    // A clinician may only unbind from a patient on one of their wards.
    await this.access.requirePatient(me, current.patientId, 'write').catch((error: unknown) => {
      throw error instanceof ApiError && error.status === 404 ? notYours() : error;
    });
    await this.registry.unbind({ deviceId: id, by: me.userId });
    return this.view(device);
  }

  private async currentBinding(id: string): Promise<{ patientId: string; validFrom: Date } | null> {
    const now = new Date();
    const [b] = await this.registry.bindingsBetween(id, now, now);
    return b ? { patientId: b.patientId, validFrom: b.validFrom } : null;
  }

  private async view(d: DeviceEntity): Promise<DeviceView> {
    const fresh = (await this.registry.findDevice(d.id)) ?? d;
    const binding = await this.currentBinding(d.id);
    return {
      id: fresh.id,
      kind: fresh.kind,
      serial: fresh.serial,
      status: fresh.status,
      battery: fresh.battery,
      lastSeenAt: fresh.lastSeenAt ? fresh.lastSeenAt.toISOString() : null,
      provisionedAt: fresh.provisionedAt.toISOString(),
      boundPatientId: binding?.patientId ?? null,
      boundFrom: binding ? binding.validFrom.toISOString() : null,
    };
  }
}
