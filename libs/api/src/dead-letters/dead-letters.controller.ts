import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type DeadLetterView, deadLettersQuerySchema, type RejectionReason } from '@vigil/contracts';
import { DeadLettersRepository, InvalidCursorError } from '@vigil/storage';
import { Roles } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { ZodPipe } from '../common/zod.pipe';

/** Dead letters, newest first, paged: the `X-Next-Cursor` header (absent on the last page) is the next `cursor`. */
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
      cursor?: string;
    },
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeadLetterView[]> {
    const page = await this.deadLetters.list(q).catch((error: unknown) => {
      if (error instanceof InvalidCursorError) {
        throw ApiError.invalid(error.message, [{ path: 'cursor', message: error.message }]);
      }
      throw error;
    });
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items.map((r) => ({
      id: r.id,
      receivedAt: new Date(r.receivedAt).toISOString(),
      topic: r.topic,
      deviceId: r.deviceId,
      reason: r.reason,
      detail: r.detail,
      measurementIndex: r.measurementIndex,
      rawBase64: Buffer.from(r.raw).toString('base64'),
      rawSize: r.rawSize,
      rawTruncated: r.rawSize > r.raw.length,
      rawSha256: r.rawSha256 ? Buffer.from(r.rawSha256).toString('hex') : null,
    }));
  }
}
