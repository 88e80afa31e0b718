import { Controller, Get, Query } from '@nestjs/common';
import { type DeadLetterView, deadLettersQuerySchema, type RejectionReason } from '@vigil/contracts';
import { DeadLettersRepository } from '@vigil/storage';
import { Roles } from '../auth/auth.decorators';
import { ZodPipe } from '../common/zod.pipe';

@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersRepository) {}

  @Get()
  @Roles('admin')
  async list(
    @Query(new ZodPipe(deadLettersQuerySchema))
    q: {
      deviceId?: string;
      reason?: RejectionReason;
      limit?: number;
    },
  ): Promise<DeadLetterView[]> {
    const rows = await this.deadLetters.list(q);
    return rows.map((r) => ({
      id: r.id,
      receivedAt: new Date(r.receivedAt).toISOString(),
      topic: r.topic,
      deviceId: r.deviceId,
      reason: r.reason,
      detail: r.detail,
      measurementIndex: r.measurementIndex,
      rawBase64: Buffer.from(r.raw).toString('base64'),
    }));
  }
}
