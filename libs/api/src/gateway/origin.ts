import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a browser request comes from an allowed origin: one on the allowlist, or the server's own
 * origin (the console served by the same process). A page on another site always sends its own Origin,
 * which matches neither.
 */
export function isAllowedOrigin(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
  encrypted: boolean,
): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  if (allowedOrigins.includes(origin)) return true;
  const host = headers.host;
  if (!host) return false;
  const proto =
    (headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() ??
    (encrypted ? 'https' : 'http');
  return origin === `${proto}://${host}`;
}

/** Reads one cookie from a raw Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
