import { RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { createClient } from 'redis';
import type { ApiModuleOptions } from './api.options';
import { ApiError } from './common/api-error';
import { isAllowedOrigin } from './gateway/origin';
import { VigilIoAdapter } from './gateway/vigil-io.adapter';
import { MetricsService } from './metrics/metrics.service';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Everything a composing app does to its Nest app for the API, before `listen` (and before `init`):
 * the `/api` prefix (`/metrics` stays at the root), cookies, CORS for the allowed origins, an Origin
 * check on state-changing requests, HTTP metrics, pino logging, and the socket.io adapter (Redis
 * streams when `redisUrl` is set). Static console files can be served at `/` afterwards.
 */
export async function configureApiApp(app: NestExpressApplication, options: ApiModuleOptions): Promise<void> {
  app.useLogger(app.get(Logger));
  // `/p`: the patient and carer page (issue 14), server-rendered outside the api prefix.
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'p', method: RequestMethod.ALL },
      { path: 'p/{*rest}', method: RequestMethod.ALL },
    ],
  });
  // X-Forwarded-For/-Proto/-Host count only from a configured proxy (D9, D10): otherwise any client could
  // claim another address (and escape the sign-in limit) or another scheme.
  app.set('trust proxy', options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false);
  app.use(helmet(securityHeaders()));
  // Patient data must not sit in browser or proxy caches (D4): every api answer is no-store.
  app.use('/api', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(cookieParser());
  app.enableCors({ origin: options.allowedOrigins, credentials: true });

  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The route template (`/api/patients/:id`), never the concrete path: no ids in label values.
      const route = (req.route as { path?: string } | undefined)?.path;
      const label = route ? `${req.baseUrl}${route}` : 'unmatched';
      metrics.httpRequests.inc({ route: label, method: req.method, status: String(res.statusCode) });
      stop({ route: label, method: req.method });
    });
    next();
  });

  // Defence in depth beside SameSite=Strict: a browser always sends Origin on cross-site writes.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (
      UNSAFE_METHODS.has(req.method) &&
      req.headers.origin !== undefined &&
      !isAllowedOrigin(req.headers, options.allowedOrigins)
    ) {
      const e = new ApiError(403, 'origin-not-allowed', 'requests from this origin are not allowed');
      res.status(e.status).json({ error: { code: e.code, message: e.message } });
      return;
    }
    next();
  });

  let adapter: ReturnType<typeof createAdapter> | undefined;
  let onDispose: (() => Promise<void>) | undefined;
  if (options.redisUrl) {
    let connected = false;
    const client = createClient({
      url: options.redisUrl,
      socket: {
        // Unreachable at start-up: fail the start (node-redis would otherwise retry, and the start hang, for
        // ever). Lost later: reconnect as node-redis does by default.
        reconnectStrategy: (retries: number) => (connected ? Math.min(retries * 50, 500) : false),
      },
    });
    client.on('error', (error: Error) => app.get(Logger).warn(`redis: ${error.message}`));
    client.on('ready', () => {
      connected = true;
    });
    await client.connect();
    // A shorter blocking read than the default 5 s, so a closing app lets go of Redis promptly.
    adapter = createAdapter(client, { blockTimeInMs: 1000 });
    onDispose = async () => {
      await client.quit().catch(() => undefined);
    };
  }
  app.useWebSocketAdapter(
    new VigilIoAdapter(app, { allowedOrigins: options.allowedOrigins, adapter, onDispose }),
  );
}

/**
 * helmet's headers with a Content Security Policy the console passes (D4): scripts, styles, images and
 * connections (socket.io included) from the console's own origin only; the NHS fonts from assets.nhs.uk; no
 * framing (clickjacking), no plugins, no inline scripts. `upgrade-insecure-requests` is off: the embedded
 * mode serves plain http on localhost, where it would break every asset.
 */
export function securityHeaders(): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'https://assets.nhs.uk', 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over TLS, which a proxy in front terminates; it sets it there.
    strictTransportSecurity: false,
  };
}
