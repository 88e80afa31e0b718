import 'reflect-metadata';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { pinoNestLogger, registerStreamMetrics, startOpsServer } from '@vigil/ops';
import { createStream, kafkaLogCreator } from '@vigil/stream';
import { startScorerApp } from './scorer-app';

const logger = pino({ name: 'vigil-scorer', level: process.env['LOG_LEVEL'] || 'warn' });

/** `node dist/apps/scorer/src/main.js`: one scorer instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(parseEnv(), ['DATABASE_URL', 'KAFKA_BROKERS'], 'the scorer');
  logger.level = env.LOG_LEVEL;
  const stream = createStream({
    kafkaBrokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-scorer`,
    partitions: env.STREAM_PARTITIONS,
    onError: (error, context) => logger.warn({ err: error, ...context }, `stream ${context.phase} failed`),
    kafka: {
      kafkaConfig: { logCreator: kafkaLogCreator(logger) },
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      // Every partition this scorer holds is consumed at once, and the batches of one fetch share one transaction
      // (decision 0005, items 11 and 14); the stall guard (`stallAfterMs`, default 20 s) replaces a consumer
      // that stops fetching, as kafkajs' did in 2 of 12 broker restarts with this setting.
      partitionsConsumedConcurrently: env.STREAM_PARTITIONS,
    },
  });
  const scorer = await startScorerApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    stream,
    logger: pinoNestLogger(logger),
    // kafkajs hands a fetch's partition batches over together: 2 ms gathers them into one transaction.
    scorer: { timerIntervalMs: env.SCORER_TIMER_INTERVAL_MS, batching: { lingerMs: 2 } },
    retentionDays: env.TIMESERIES_RETENTION_DAYS,
    // A TimescaleDB on the server that cannot be used is an operator's mistake: a warning, not an info line.
    log: (details, message) =>
      details['fallback'] === true ? logger.warn(details, message) : logger.info(details, message),
    onRetentionError: (error) => logger.error({ err: error }, 'time-series retention failed'),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_scorer_' });
  registerStreamMetrics(registry, stream);
  const ops = await startOpsServer({
    host: env.HOST,
    port: env.OPS_PORT,
    registry,
    checks: [
      {
        name: 'database',
        check: async () => {
          await scorer.dataSource.query('SELECT 1');
          return { up: true };
        },
      },
      {
        name: 'stream',
        check: async () => {
          const health = stream.health();
          const crashed = health.consumers.filter((c) => c.state === 'crashed').map((c) => c.topic);
          return health.ok
            ? { up: true }
            : { up: false, details: { message: `consumer crashed: ${crashed.join(', ')}` } };
        },
      },
    ],
  });
  // Always printed, whatever LOG_LEVEL: operators and the tests wait for it (OPS_PORT=0 picks a free port).
  logger
    .child({}, { level: 'info' })
    .info(
      { brokers: env.KAFKA_BROKERS, opsPort: ops.port },
      `vigil-scorer: consuming from Kafka; /health and /metrics on ${env.HOST}:${ops.port}`,
    );
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      Promise.all([ops.close(), scorer.stop()]).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'vigil-scorer: error while stopping');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  logger.fatal(
    error instanceof ConfigError ? { problems: error.problems } : { err: error },
    `vigil-scorer: ${error instanceof ConfigError ? error.message : String(error)}`,
  );
  process.exit(1);
});
