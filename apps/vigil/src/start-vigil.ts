import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { streamTopics } from '@vigil/contracts';
import { type ApiModuleOptions, configureApiApp } from '@vigil/api';
import { allowedOrigins, type VigilEnv } from '@vigil/config';
import { type IngestBrokerOptions, IngestRunner } from '@vigil/ingest';
import { openDatabase, SqlDatabase, StreamJournalRepository } from '@vigil/storage';
import { createStream, InProcessStream, type StreamPort } from '@vigil/stream';
import { serveConsole } from './console/serve-console';
import { type DemoSeed, seedDemo } from './demo/demo-seed';
import { VigilModule } from './vigil.module';

export interface StartVigilOptions {
  /** A PostgreSQL URL; pending migrations are applied at start. */
  databaseUrl: string;
  databasePoolSize?: number;
  /**
   * The longest one statement of the scorer, ingest and the stream journal may take (`DATABASE_STATEMENT_TIMEOUT_MS`);
   * unset: no bound.
   */
  databaseStatementTimeoutMs?: number;
  httpHost?: string;
  /** 0 = any free port (tests). Default 3000. */
  httpPort?: number;
  /** The embedded broker (default, on 127.0.0.1:1883 or the next free port) or an external one. */
  mqtt?: IngestBrokerOptions;
  /** Kafka brokers; none = the in-process stream. */
  kafkaBrokers?: string[];
  kafkaClientId?: string;
  /** Kafka consumers' session timeout (`KAFKA_SESSION_TIMEOUT_MS`; the adapter's default, 10 s, when unset). */
  kafkaSessionTimeoutMs?: number;
  streamPartitions?: number;
  redisUrl?: string;
  /** Default: the console's own origin (`http://localhost:<port>` and `http://127.0.0.1:<port>`). */
  allowedOrigins?: string[];
  /** Unset: Secure whenever the console is not on localhost (see ApiModuleOptions.cookieSecure). */
  cookieSecure?: boolean | undefined;
  /** Reverse proxies whose X-Forwarded-* headers are believed (`TRUST_PROXY`). */
  trustProxy?: string[] | undefined;
  /** Days of time series to keep (`TIMESERIES_RETENTION_DAYS`); unset keeps everything. */
  retentionDays?: number | undefined;
  /** The built console to serve at `/`; null or a folder without index.html = the api only. */
  consoleDir?: string | null;
  /** Seed the demo wards and users. */
  demo?: boolean;
  scorerTimerIntervalMs?: number;
  /** Pipeline heartbeat period (HZ-01); 0 = off. */
  heartbeatIntervalMs?: number;
  logLevel?: ApiModuleOptions['logLevel'];
}

export interface RunningVigil {
  httpUrl: string;
  httpPort: number;
  /** Where devices connect (the embedded broker, or `MQTT_URL`). */
  mqttUrl: string;
  /** The embedded broker's port; null with an external broker. */
  mqttPort: number | null;
  dataSource: DataSource;
  stream: StreamPort;
  app: NestExpressApplication;
  /** Whether a console build is being served at `/`. */
  consoleServed: boolean;
  /** The demo seed, when the demo is on. */
  demo: DemoSeed | null;
  /** Stops the broker, the scorer, the api, the stream and the database pool, in that order. Idempotent. */
  stop(): Promise<void>;
}

/** Maps the parsed environment to {@link StartVigilOptions} (the process entry point's only config step). */
export function vigilOptionsFromEnv(env: VigilEnv, databaseUrl: string): StartVigilOptions {
  return {
    databaseUrl,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    httpHost: env.HOST,
    httpPort: env.PORT,
    mqtt: env.MQTT_URL
      ? {
          kind: 'external',
          url: env.MQTT_URL,
          username: env.MQTT_USERNAME,
          password: env.MQTT_PASSWORD ?? '',
          clientId: env.MQTT_CLIENT_ID ?? `vigil-ingest-${hostname()}`,
          shared: env.MQTT_SHARED_SUBSCRIPTION,
        }
      : { kind: 'embedded', host: env.MQTT_HOST, port: env.MQTT_PORT },
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaClientId: env.KAFKA_CLIENT_ID,
    kafkaSessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    streamPartitions: env.STREAM_PARTITIONS,
    redisUrl: env.REDIS_URL,
    allowedOrigins: env.ALLOWED_ORIGINS,
    cookieSecure: env.COOKIE_SECURE,
    trustProxy: env.TRUST_PROXY,
    retentionDays: env.TIMESERIES_RETENTION_DAYS,
    consoleDir: env.CONSOLE_DIR,
    // Known demo passwords never go into a real database unless asked for.
    demo: env.DEMO ?? !env.DATABASE_URL,
    scorerTimerIntervalMs: env.SCORER_TIMER_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
  };
}

/**
 * Starts ingest, scorer and api in this process over one database and one stream, serving the built
 * console at `/`. Used by `npm start` (apps/vigil/src/main.ts) and by the integration and browser tests.
 */
export async function startVigil(options: StartVigilOptions): Promise<RunningVigil> {
  const dataSource = await openDatabase({
    url: options.databaseUrl,
    poolSize: options.databasePoolSize,
    applicationName: 'vigil',
    retentionDays: options.retentionDays,
  });
  // Embedded mode: the vitals topic is journaled in PostgreSQL (issue 11). Ingest's readings are durable —
  // and PUBACKed — once the journal's group commit has them; the scorer consumes them from the stream.
  // The hot path's statements are bounded (`DATABASE_STATEMENT_TIMEOUT_MS`): the scorer's and the journal's.
  const hotPath = new SqlDatabase(dataSource, { statementTimeoutMs: options.databaseStatementTimeoutMs });
  const journal = options.kafkaBrokers?.length
    ? null
    : new StreamJournalRepository(hotPath, { topics: [streamTopics.observations] });
  const stream = createStream({
    kafkaBrokers: options.kafkaBrokers,
    clientId: options.kafkaClientId,
    partitions: options.streamPartitions,
    kafka: { sessionTimeoutMs: options.kafkaSessionTimeoutMs },
    journal: journal ?? undefined,
  });
  let app: NestExpressApplication | null = null;
  const closeAll = async () => {
    // Nest first (broker, scorer subscription, sockets), so nothing uses the stream or the pool after they close.
    await app?.close().catch((error: unknown) => console.error('vigil: error while stopping the app', error));
    await stream.close().catch(() => undefined);
    await journal?.close().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  };

  try {
    await stream.ensureTopics([
      streamTopics.observations,
      streamTopics.alerts,
      streamTopics.deadLetters,
      streamTopics.deviceCommands,
    ]);
    // What was acknowledged but not yet scored when the process last stopped goes to the scorer first.
    if (stream instanceof InProcessStream) await stream.recover();
    if (!options.kafkaBrokers?.length) await drainDeadLetters(stream);
    const demo = options.demo ? await seedDemo(dataSource) : null;
    const host = options.httpHost ?? '127.0.0.1';
    // The default allowed origins name the port, so an ephemeral port (tests) is chosen before the api is built.
    const httpPort = options.httpPort === 0 ? await freePort(host) : (options.httpPort ?? 3000);
    // Ingest's metrics are served by the api's /metrics: one process, one scrape.
    const ingestMetrics = new Registry();
    const apiOptions: ApiModuleOptions = {
      allowedOrigins: options.allowedOrigins ?? allowedOrigins({ ALLOWED_ORIGINS: undefined }, httpPort),
      cookieSecure: options.cookieSecure,
      trustProxy: options.trustProxy,
      redisUrl: options.redisUrl,
      logLevel: options.logLevel,
      metricsRegistries: [ingestMetrics],
      // Ingest's account on an external broker: no device may be provisioned under it (HZ-11, HZ-60).
      brokerServiceAccounts: options.mqtt?.kind === 'external' ? [options.mqtt.username] : [],
    };
    app = await NestFactory.create<NestExpressApplication>(
      VigilModule.register({
        dataSource,
        scorerDatabase: hotPath,
        stream,
        ingest: {
          broker: options.mqtt ?? { kind: 'embedded' },
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          instanceName: `vigil@${hostname()}`,
          databaseStatementTimeoutMs: options.databaseStatementTimeoutMs,
          metricsRegistry: ingestMetrics,
        },
        scorer: { timerIntervalMs: options.scorerTimerIntervalMs },
        api: apiOptions,
      }),
      { logger: ['error', 'warn'] },
    );
    await configureApiApp(app, apiOptions);
    const consoleServed = options.consoleDir ? serveConsole(app, options.consoleDir) : false;
    await app.listen(httpPort, host);
    const ingest = app.get(IngestRunner);
    const broker = ingest.embeddedBroker;
    let stopped: Promise<void> | null = null;
    return {
      httpUrl: `http://${urlHost(host)}:${httpPort}`,
      httpPort,
      mqttUrl: ingest.mqttUrl,
      mqttPort: broker ? broker.port : null,
      dataSource,
      stream,
      app,
      consoleServed,
      demo,
      stop: () => (stopped ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * In-process, a publish is durable once every consumer group has committed it, and a topic without any
 * group holds its records (and the publisher) until one comes. Ingest publishes every rejection to
 * `ingest.dead-letters` after storing it in the database; nothing else consumes that topic in this
 * process, so without this group a device's rejected message would never be acknowledged.
 */
async function drainDeadLetters(stream: StreamPort): Promise<void> {
  let rejected = 0;
  let reported = 0;
  await stream.subscribe({
    topic: streamTopics.deadLetters,
    groupId: 'vigil-embedded-dead-letters',
    handle: async (batch) => {
      rejected += batch.records.length;
      // A summary at most once a minute: the details (without patient identifiers) are in the admin view.
      if (Date.now() - reported > 60_000) {
        reported = Date.now();
        console.log(
          `vigil: ${rejected} rejected device message(s) so far (see the dead letters in the console)`,
        );
      }
    },
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
