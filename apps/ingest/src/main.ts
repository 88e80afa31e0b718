import 'reflect-metadata';
import { hostname } from 'node:os';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { pinoNestLogger, registerStreamMetrics, startOpsServer } from '@vigil/ops';
import { createStream, kafkaLogCreator } from '@vigil/stream';
import { startIngestApp } from './ingest-app';

const logger = pino({ name: 'vigil-ingest', level: process.env['LOG_LEVEL'] || 'warn' });

/** Reads a gauge's current value (the MQTT link state ingest registers). */
async function gaugeValue(registry: Registry, name: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  return (await metric.get()).values[0]?.value;
}

/** `node dist/apps/ingest/src/main.js`: one ingest instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(
    parseEnv(),
    ['DATABASE_URL', 'KAFKA_BROKERS', 'MQTT_URL', 'MQTT_PASSWORD'],
    'ingest',
  );
  logger.level = env.LOG_LEVEL;
  const clientId = env.MQTT_CLIENT_ID ?? `vigil-ingest-${hostname()}`;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_ingest_process_' });
  const stream = createStream({
    kafkaBrokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-ingest`,
    partitions: env.STREAM_PARTITIONS,
    onError: (error, context) => logger.warn({ err: error, ...context }, `stream ${context.phase} failed`),
    kafka: {
      kafkaConfig: { logCreator: kafkaLogCreator(logger) },
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    },
  });
  registerStreamMetrics(registry, stream);
  const ingest = await startIngestApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    stream,
    logger: pinoNestLogger(logger),
    ingest: {
      broker: {
        kind: 'external',
        url: env.MQTT_URL,
        username: env.MQTT_USERNAME,
        password: env.MQTT_PASSWORD,
        clientId,
        protocolVersion: 5,
        shared: env.MQTT_SHARED_SUBSCRIPTION,
      },
      instanceName: clientId,
      metricsRegistry: registry,
      databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
  });
  const ops = await startOpsServer({
    host: env.HOST,
    port: env.OPS_PORT,
    registry,
    checks: [
      {
        name: 'database',
        check: async () => {
          await ingest.dataSource.query('SELECT 1');
          return { up: true };
        },
      },
      {
        name: 'mqtt',
        check: async () =>
          (await gaugeValue(registry, 'vigil_ingest_mqtt_connected')) === 1
            ? { up: true }
            : { up: false, details: { message: 'not connected to the MQTT broker' } },
      },
      {
        name: 'stream',
        check: async () =>
          stream.health().ok
            ? { up: true }
            : { up: false, details: { message: 'a stream consumer crashed' } },
      },
    ],
  });
  // Always printed, whatever LOG_LEVEL: operators and the tests wait for it (OPS_PORT=0 picks a free port).
  logger
    .child({}, { level: 'info' })
    .info(
      { mqtt: ingest.mqttUrl, clientId, opsPort: ops.port },
      `vigil-ingest: subscribed as ${clientId}; publishing to Kafka; /health and /metrics on ${env.HOST}:${ops.port}`,
    );
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      Promise.all([ops.close(), ingest.stop()]).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'vigil-ingest: error while stopping');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  logger.fatal(
    error instanceof ConfigError ? { problems: error.problems } : { err: error },
    `vigil-ingest: ${error instanceof ConfigError ? error.message : String(error)}`,
  );
  process.exit(1);
});
