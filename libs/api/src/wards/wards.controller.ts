import { Controller, Get } from '@nestjs/common';
import type { Ward } from '@vigil/contracts';
import { PatientsRepository } from '@vigil/storage';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ALL_ROLES, type Principal } from '../auth/principal';

@Controller('wards')
export class WardsController {
  constructor(private readonly patients: PatientsRepository) {}

  /** Nurses and clinicians: their wards. Coordinators and admins: every ward (names only, no patients). */
  @Get()
  @Roles(...ALL_ROLES)
  async list(@CurrentUser() me: Principal): Promise<Ward[]> {
    const wards = await this.patients.listWards();
    const all = me.role === 'admin' || me.role === 'coordinator';
    return wards.filter((w) => all || me.wardIds.includes(w.id)).map((w) => ({ id: w.id, name: w.name }));
  }
}
