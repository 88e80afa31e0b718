import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a browser request comes from an allowed origin: one on the allowlist, exactly. The Host and
 * X-Forwarded-* headers are never used to work out "our own" origin (D9): a DNS-rebinding page sends a Host
 * that matches its own Origin. The embedded mode's allowlist already names the console's own address.
 */
export function isAllowedOrigin(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  return allowedOrigins.includes(origin);
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
