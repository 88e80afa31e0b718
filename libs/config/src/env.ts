import { z } from 'zod';

const portError = { error: 'expected a port number (0–65535)' };
const port = z.coerce.number(portError).int(portError).min(0, portError).max(65535, portError);
const bool = z.stringbool({
  truthy: ['true', '1', 'yes', 'on'],
  falsy: ['false', '0', 'no', 'off'],
  error: 'expected true or false (also 1/0, yes/no, on/off)',
});
const countError = { error: 'expected a whole number above 0' };
const positiveInt = z.coerce.number(countError).int(countError).positive(countError);
const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `expected a URL (${protocols.map((p) => `${p}://…`).join(' or ')})` },
  );
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0),
);

interface VariableSpec {
  description: string;
  /** The default as an operator would write it in the environment (parsed by `schema` like any value). */
  default?: string;
  schema: z.ZodType;
}

/**
 * Every environment variable Vigil reads, in one place (docs/operations.md lists the same, and a test
 * fails when the two diverge). Defaults are the embedded mode's; a variable left unset or empty takes
 * its default.
 */
const VARIABLES = {
  PORT: {
    description: 'HTTP port of the api and the console (0 = any free port).',
    default: '3000',
    schema: port,
  },
  HOST: {
    description: 'Interface the HTTP server listens on (`0.0.0.0` in containers).',
    default: '127.0.0.1',
    schema: z.string().min(1),
  },
  DATABASE_URL: {
    description:
      'PostgreSQL/TimescaleDB connection URL. Unset: `npm start` runs an embedded PostgreSQL (data in `VIGIL_DATA_DIR/postgres`).',
    schema: url(['postgres', 'postgresql']).optional(),
  },
  DATABASE_POOL_SIZE: {
    description: 'Database connections per process.',
    default: '10',
    schema: positiveInt,
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    description:
      'The longest one database statement of the scorer, of ingest and of the embedded stream journal may take (1000–3600000 ms): the server cancels a statement of a transaction that runs longer, and a database that stops answering without closing the connection fails the statement a second later, so the batch or message is retried instead of holding up the readings behind it for ever. The scorer sends its statements in three groups (decision 0005 item 24): each statement waits for its answer from when its group was sent, so the statements of one group share that bound.',
    default: '30000',
    schema: z.coerce
      .number(countError)
      .int(countError)
      .min(1_000, 'must be at least 1000')
      .max(3_600_000, 'must be at most 3600000'),
  },
  TIMESERIES_RETENTION_DAYS: {
    description:
      'Days of observations, NEWS2 scores and hourly trend to keep: TimescaleDB retention policies, or older month partitions dropped (applied by the scorer at boot and daily). Unset: keep everything.',
    schema: positiveInt.optional(),
  },
  EMBEDDED_POSTGRES_PORT: {
    description: 'Port of the embedded PostgreSQL (embedded mode only; listens on 127.0.0.1).',
    default: '54329',
    schema: port.min(1, portError),
  },
  EMBEDDED_POSTGRES_SHARED_DIR: {
    description:
      'As root only: where the embedded PostgreSQL’s binaries and cluster go when the system user `postgres` (which it runs as) cannot reach the clone, e.g. a clone in a 0700 home directory. `VIGIL_DATA_DIR/postgres` then links to the cluster there.',
    default: '/var/lib/vigil',
    schema: z.string().min(1),
  },
  VIGIL_DATA_DIR: {
    description: 'Folder for the embedded mode’s state (PostgreSQL data, demo fleet credentials).',
    default: '.vigil',
    schema: z.string().min(1),
  },
  MQTT_URL: {
    description:
      'External MQTT broker (Mosquitto/EMQX), e.g. `mqtt://mosquitto:1883`. Unset: the embedded aedes broker.',
    schema: url(['mqtt', 'mqtts', 'tcp', 'tls', 'ws', 'wss']).optional(),
  },
  MQTT_USERNAME: {
    description: 'Ingest’s service account on the external broker (the ACL in infra/mosquitto names it).',
    default: 'vigil-ingest',
    schema: z.string().min(1),
  },
  MQTT_PASSWORD: {
    description: 'Password of `MQTT_USERNAME` on the external broker (required with `MQTT_URL`).',
    schema: z.string().optional(),
  },
  MQTT_CLIENT_ID: {
    description:
      'MQTT client id of this ingest instance; keep it fixed per instance so the broker keeps its session. Default: `vigil-ingest-<hostname>`.',
    schema: z.string().min(1).optional(),
  },
  MQTT_SHARED_SUBSCRIPTION: {
    description:
      'Subscribe with an MQTT 5 shared subscription (`$share/vigil-ingest/…`) so several ingest instances share the load. Off by default: Mosquitto 2.0 does not restore a shared subscription with a persisted session after a restart, and readings it acknowledges before ingest resubscribes are lost (see docs/operations.md).',
    default: 'false',
    schema: bool,
  },
  MQTT_HOST: {
    description: 'Interface the embedded broker listens on.',
    default: '127.0.0.1',
    schema: z.string().min(1),
  },
  MQTT_PORT: {
    description: 'First port the embedded broker tries; the next free one is used when it is taken.',
    default: '1883',
    schema: port,
  },
  KAFKA_BROKERS: {
    description: 'Kafka bootstrap brokers, `host:port` separated by commas. Unset: the in-process stream.',
    schema: list
      .refine(
        (brokers) =>
          brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b) || /^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(b)),
        {
          message: 'expected host:port entries separated by commas',
        },
      )
      .optional(),
  },
  KAFKA_CLIENT_ID: {
    description: 'Kafka client id.',
    default: 'vigil',
    schema: z.string().min(1),
  },
  KAFKA_SESSION_TIMEOUT_MS: {
    description:
      'How long a Kafka consumer may go without a heartbeat before its group gives its partitions to another instance (6000–1800000, the brokers’ default bounds).',
    default: '10000',
    schema: z.coerce
      .number(countError)
      .int(countError)
      .min(6_000, 'must be at least 6000 (group.min.session.timeout.ms)')
      .max(1_800_000, 'must be at most 1800000 (group.max.session.timeout.ms)'),
  },
  STREAM_PARTITIONS: {
    description: 'Partitions per stream topic (in-process always; Kafka for topics it creates).',
    default: '8',
    schema: positiveInt,
  },
  REDIS_URL: {
    description: 'Redis for the socket.io adapter, so any api instance can push to any console.',
    schema: url(['redis', 'rediss']).optional(),
  },
  ALLOWED_ORIGINS: {
    description:
      'Origins allowed to open the console’s socket and call the api, separated by commas. Default: `http://localhost:<PORT>,http://127.0.0.1:<PORT>`.',
    schema: list.optional(),
  },
  COOKIE_SECURE: {
    description:
      'Mark the session cookie Secure. Unset: Secure whenever the console is not reached at localhost/127.0.0.1 or comes over https; set `false` only to sign in over plain http from another machine (not for real use).',
    schema: bool.optional(),
  },
  TRUST_PROXY: {
    description:
      'Reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` the api believes, separated by commas: addresses, subnets (`10.0.0.0/8`) or `loopback`. Unset: none, so sign-in limits count the socket’s own address and no header can claim another.',
    schema: list.optional(),
  },
  CONSOLE_DIR: {
    description: 'Folder of the built console served at `/` (empty folder or missing: the api only).',
    default: 'dist/apps/console',
    schema: z.string().min(1),
  },
  OPS_PORT: {
    description:
      'Distributed mode: port where an ingest or scorer instance serves `/health` and `/metrics` (on `HOST`; 0 = any free port, logged).',
    default: '9464',
    schema: port,
  },
  SCORER_TIMER_INTERVAL_MS: {
    description:
      'How often the scorer’s timers run (escalation, overdue readings, device offline, pipeline).',
    default: '30000',
    schema: positiveInt,
  },
  LOG_LEVEL: {
    description: 'Log level: fatal, error, warn, info (one line per HTTP request), debug, trace or silent.',
    default: 'warn',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  DEMO: {
    description:
      'Seed demo users (with known passwords) and wards and run the demo fleet. Default: on with the embedded PostgreSQL, off when `DATABASE_URL` names a real database (set `DEMO=true` to force it); `npm start -- --no-demo` turns it off.',
    schema: bool.optional(),
  },
  DEMO_PATIENTS: {
    description: 'Patients in the demo fleet.',
    default: '40',
    schema: positiveInt,
  },
} as const satisfies Record<string, VariableSpec>;

type Variables = typeof VARIABLES;

/** The parsed configuration: one property per variable. */
export type VigilEnv = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

/** One row of the configuration reference (docs/operations.md). */
export interface EnvVariableDoc {
  name: string;
  description: string;
  default: string | undefined;
}

export const ENV_VARIABLES: readonly EnvVariableDoc[] = Object.entries(VARIABLES).map(([name, spec]) => ({
  name,
  description: spec.description,
  default: 'default' in spec ? spec.default : undefined,
}));

/** A configuration that cannot be used; `message` names every bad variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at boot. Unset or empty variables take their defaults. Throws a
 * {@link ConfigError} listing every bad value (never the value itself: it may be a secret).
 */
export function parseEnv(env: Readonly<Record<string, string | undefined>> = process.env): VigilEnv {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [string, VariableSpec][]) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const result = out as VigilEnv;
  if (result.MQTT_URL && !result.MQTT_PASSWORD) problems.push('MQTT_PASSWORD: required when MQTT_URL is set');
  if (problems.length) throw new ConfigError(problems);
  return result;
}

/** The origins the api accepts: `ALLOWED_ORIGINS`, or the console's own address by default. */
export function allowedOrigins(env: Pick<VigilEnv, 'ALLOWED_ORIGINS'>, httpPort: number): string[] {
  return env.ALLOWED_ORIGINS ?? [`http://localhost:${httpPort}`, `http://127.0.0.1:${httpPort}`];
}

/**
 * For the distributed entry points: throws a {@link ConfigError} naming every variable `service` needs
 * but the environment leaves unset (the embedded defaults make no sense for a process on its own).
 */
export function requireVariables<K extends keyof VigilEnv>(
  env: VigilEnv,
  names: readonly K[],
  service: string,
): VigilEnv & { [P in K]-?: NonNullable<VigilEnv[P]> } {
  const missing = names.filter((name) => {
    const value: unknown = env[name];
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length) {
    throw new ConfigError(
      missing.map((name) => `${String(name)}: required by ${service} in the distributed mode`),
    );
  }
  return env as VigilEnv & { [P in K]-?: NonNullable<VigilEnv[P]> };
}
