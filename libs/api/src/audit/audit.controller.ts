import { Controller, Get, Query } from '@nestjs/common';
import { type AuditEntry, auditQuerySchema } from '@vigil/contracts';
import { SqlDatabase } from '@vigil/storage';
import { AccessService } from '../auth/access.service';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';

@Controller('audit')
export class AuditController {
  constructor(
    private readonly db: SqlDatabase,
    private readonly reads: ConsoleReadsRepository,
    private readonly access: AccessService,
  ) {}

  /** Alert audit trail, newest first; clinicians see their wards' alerts only. */
  @Get()
  @Roles('clinician', 'admin')
  async list(
    @CurrentUser() me: Principal,
    @Query(new ZodPipe(auditQuerySchema)) q: { alertId?: string },
  ): Promise<AuditEntry[]> {
    if (q.alertId) await this.access.requireAlert(me, q.alertId);
    return this.reads.audit(this.db, { wards: this.access.wardScope(me), alertId: q.alertId });
  }
}
