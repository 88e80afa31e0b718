import type { Registry } from 'prom-client';

/** Provided by the composing app: a TypeORM `DataSource` (migrated, e.g. from `openDatabase`). */
export const API_DATABASE = Symbol('API_DATABASE');
/** Provided by the composing app: the `StreamPort` (`createStream` from `@vigil/stream`). */
export const API_STREAM = Symbol('API_STREAM');
export const API_OPTIONS = Symbol('API_OPTIONS');

export interface ApiModuleOptions {
  /** Browser origins allowed to call the API with credentials and to open sockets, e.g. `https://vigil.example.nhs.uk`. */
  allowedOrigins: string[];
  /** Mark the session cookie `Secure` (true whenever served over TLS). */
  cookieSecure: boolean;
  /** With it, socket.io uses the Redis streams adapter so any api instance reaches any console. */
  redisUrl?: string;
  /** Sliding idle expiry of a session; default 15. */
  sessionIdleMinutes?: number;
  /** Absolute session lifetime from sign-in; default 12. */
  sessionAbsoluteHours?: number;
  /**
   * Names this instance's consumer group on `alerts.events` (`vigil-api-{instanceId}`); every instance
   * needs its own group so each one pushes every event to its own sockets. Default: the host name.
   */
  instanceId?: string;
  /** Login attempts allowed per client IP per window; default 10 per minute. */
  loginThrottle?: { limit: number; ttlMs: number };
  /** More registries served at `/metrics` beside the api's own (e.g. ingest's, in the embedded runtime). */
  metricsRegistries?: Registry[];
  /** pino level; default `info`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_SESSION_IDLE_MINUTES = 15;
export const DEFAULT_SESSION_ABSOLUTE_HOURS = 12;
