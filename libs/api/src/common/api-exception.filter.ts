import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { ApiErrorBody } from '@vigil/contracts';
import { AlertActionError } from '@vigil/alerting';
import { RegistryError } from '@vigil/storage';
import type { Response } from 'express';
import { ApiError } from './api-error';

/** Maps every error to `{ error: { code, message } }`; anything unexpected is a 500 with no internals. */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof ThrottlerException) {
    return new ApiError(429, 'rate-limited', 'too many attempts; wait a minute and try again');
  }
  if (exception instanceof RegistryError) {
    const status = { 'not-found': 404, conflict: 409, invalid: 400 }[exception.code];
    const code = { 'not-found': 'not-found', conflict: 'conflict', invalid: 'validation-failed' }[
      exception.code
    ];
    return new ApiError(status, code, exception.message);
  }
  if (exception instanceof AlertActionError) {
    const status = { forbidden: 403, 'invalid-transition': 409, invalid: 400, changed: 409 }[exception.code];
    const code = {
      forbidden: 'forbidden',
      'invalid-transition': 'invalid-transition',
      invalid: 'validation-failed',
      // HZ-10: the alert worsened or asked for attention again since the person saw it.
      changed: 'alert-changed',
    }[exception.code];
    return new ApiError(status, code, exception.message);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return new ApiError(404, 'not-found', 'no such route');
    if (status === 413) return new ApiError(413, 'payload-too-large', 'request body too large');
    if (status === 400) return new ApiError(400, 'bad-request', 'malformed request');
    if (status < 500) return new ApiError(status, 'http-error', exception.message);
    // The health check's "down" (terminus): a load balancer must read it as unavailable, not as a crash.
    if (status === 503)
      return new ApiError(503, 'unavailable', 'a dependency is unavailable (see /api/health)');
  }
  const { type } = (exception ?? {}) as { type?: string };
  if (type === 'entity.parse.failed')
    return new ApiError(400, 'malformed-json', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new ApiError(413, 'payload-too-large', 'request body too large');
  return new ApiError(500, 'internal-error', 'something went wrong on our side; the change was not made');
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const error = toApiError(exception);
    if (error.status >= 500) {
      // The error object may quote SQL parameters; log its name and stack only, never the message body.
      const e = exception as { name?: string; code?: string; stack?: string };
      this.logger.error(
        `unhandled ${e?.name ?? 'error'} ${e?.code ?? ''}`.trim(),
        e?.stack?.split('\n').slice(1, 6).join('\n'),
      );
    }
    const body: ApiErrorBody = { error: { code: error.code, message: error.message } };
    if (error.fields) body.error.fields = error.fields;
    if (!response.headersSent) response.status(error.status).json(body);
  }
}
