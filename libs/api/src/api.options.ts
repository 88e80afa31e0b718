import type { Registry } from 'prom-client';

/** Provided by the composing app: a TypeORM `DataSource` (migrated, e.g. from `openDatabase`). */
export const API_DATABASE = Symbol('API_DATABASE');
/** Provided by the composing app: the `StreamPort` (`createStream` from `@vigil/stream`). */
export const API_STREAM = Symbol('API_STREAM');
export const API_OPTIONS = Symbol('API_OPTIONS');

export interface ApiModuleOptions {
  /** Browser origins allowed to call the API with credentials and to open sockets, e.g. `https://vigil.example.nhs.uk`. */
  allowedOrigins: string[];
  /**
   * Mark the session cookie `Secure`. Unset (or undefined): Secure whenever the request is not for
   * localhost/127.0.0.1/[::1] or arrived over https (D8), so only a console on the machine itself gets a
   * cookie over plain http.
   */
  cookieSecure?: boolean | undefined;
  /**
   * Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (Express `trust proxy`: addresses,
   * subnets, or `loopback`/`linklocal`/`uniquelocal`). Unset: none, and the socket's own address counts.
   */
  trustProxy?: string[] | undefined;
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
  /**
   * Failed sign-ins allowed per client address per window (default 20 per 15 minutes); past it that address
   * gets 429 until the window ends. Successful sign-ins do not count (D10).
   */
  loginThrottle?: { limit: number; ttlMs: number };
  /** Failed sign-ins allowed per account per window (the same window; default 5). */
  loginFailuresPerAccount?: number;
  /** Ended sessions are deleted this many days after they ended (default 30: who was signed in when). */
  sessionRetentionDays?: number;
  /**
   * MQTT usernames of Vigil's own services on the broker besides the defaults (the configured `MQTT_USERNAME`):
   * no device may be provisioned under one (a device signs in with its id; HZ-11, HZ-60).
   */
  brokerServiceAccounts?: string[];
  /** More registries served at `/metrics` beside the api's own (e.g. ingest's, in the embedded runtime). */
  metricsRegistries?: Registry[];
  /** pino level; default `info`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_SESSION_IDLE_MINUTES = 15;
export const DEFAULT_SESSION_ABSOLUTE_HOURS = 12;
