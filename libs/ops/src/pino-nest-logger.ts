import type { LoggerService } from '@nestjs/common';

/** The pino methods the adapter uses. */
export interface PinoLike {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
  trace(details: object, message: string): void;
}

function split(params: unknown[]): { context?: string; extra: unknown[] } {
  const last = params[params.length - 1];
  return typeof last === 'string' ? { context: last, extra: params.slice(0, -1) } : { extra: params };
}

function text(message: unknown): string {
  return message instanceof Error
    ? message.message
    : typeof message === 'string'
      ? message
      : JSON.stringify(message);
}

/**
 * NestJS' logger interface on a pino logger, for the services that run as a Nest application context
 * (ingest and scorer in the distributed mode): `new Logger('scorer').error(…)` in a lib becomes a JSON line.
 */
export function pinoNestLogger(logger: PinoLike): LoggerService {
  return {
    log: (message: unknown, ...params: unknown[]) =>
      logger.info({ context: split(params).context }, text(message)),
    error: (message: unknown, ...params: unknown[]) => {
      const { context, extra } = split(params);
      const stack =
        typeof extra[0] === 'string' ? extra[0] : message instanceof Error ? message.stack : undefined;
      logger.error({ context, ...(stack ? { stack } : {}) }, text(message));
    },
    warn: (message: unknown, ...params: unknown[]) =>
      logger.warn({ context: split(params).context }, text(message)),
    debug: (message: unknown, ...params: unknown[]) =>
      logger.debug({ context: split(params).context }, text(message)),
    verbose: (message: unknown, ...params: unknown[]) =>
      logger.trace({ context: split(params).context }, text(message)),
  };
}
