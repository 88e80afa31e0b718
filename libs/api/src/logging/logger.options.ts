import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { ApiModuleOptions } from '../api.options';

/** Header paths that hold credentials: censored wherever they would appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
];

/**
 * Structured request logs. A request is logged as method, path (no query string: it may name a patient
 * filter) and id; no headers, no bodies — neither may carry patient identifiers, and cookies are
 * credentials. Health and metrics scrapes are not logged.
 */
export function loggerParams(options: Pick<ApiModuleOptions, 'logLevel'>): Params {
  return {
    // Nest 11's path syntax: the library's default (`*`) makes Nest warn at every start.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: options.logLevel ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: unknown }) => ({
          id: req.id,
          method: req.method,
          url: String(req.url ?? '').split('?')[0],
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req) => {
          const url = req.url ?? '';
          return url.startsWith('/api/health') || url.startsWith('/metrics');
        },
      },
    },
  };
}
