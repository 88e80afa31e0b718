import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Paths the console never answers: the api, the socket, the metrics and the patient page (`/p`, issue 14) stay
 * the backend's (404s included).
 */
const BACKEND_PREFIXES = ['/api', '/socket.io', '/metrics', '/p'];

export function isBackendPath(urlPath: string): boolean {
  return BACKEND_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/**
 * True when a request should get the console's index.html: a page navigation (GET/HEAD) to a client-side
 * route. A missing asset (a path whose last segment has an extension) stays a 404 rather than HTML.
 */
export function isSpaRoute(method: string, urlPath: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (isBackendPath(urlPath)) return false;
  const last = urlPath.split('/').pop() ?? '';
  return !last.includes('.');
}

/**
 * Serves the built console at `/` with an SPA fallback to index.html. Returns false (and serves nothing)
 * when the folder holds no build, so the api still runs.
 */
export function serveConsole(app: NestExpressApplication, consoleDir: string): boolean {
  const index = path.join(consoleDir, 'index.html');
  if (!existsSync(index)) return false;
  // Hashed assets can be cached for ever; index.html must always be revalidated to pick up a new build.
  app.useStaticAssets(consoleDir, {
    index: false,
    setHeaders: (res, file) => {
      res.setHeader(
        'Cache-Control',
        /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isSpaRoute(req.method, req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (error) => {
      if (error) next(error);
    });
  });
  return true;
}
