import 'reflect-metadata';
import pino from 'pino';
import { ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { createStream } from '@vigil/stream';
import { startScorerApp } from './scorer-app';

/** `node dist/apps/scorer/src/main.js`: one scorer instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(parseEnv(), ['DATABASE_URL', 'KAFKA_BROKERS'], 'the scorer');
  const logger = pino({ name: 'vigil-scorer', level: env.LOG_LEVEL });
  const scorer = await startScorerApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    stream: createStream({
      kafkaBrokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-scorer`,
      partitions: env.STREAM_PARTITIONS,
    }),
    scorer: { timerIntervalMs: env.SCORER_TIMER_INTERVAL_MS },
    retentionDays: env.TIMESERIES_RETENTION_DAYS,
    // A TimescaleDB on the server that cannot be used is an operator's mistake: a warning, not an info line.
    log: (details, message) =>
      details['fallback'] === true ? logger.warn(details, message) : logger.info(details, message),
    onRetentionError: (error) => logger.error({ err: error }, 'time-series retention failed'),
  });
  console.log(`vigil-scorer: consuming from Kafka ${env.KAFKA_BROKERS.join(',')}`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      scorer.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('vigil-scorer: error while stopping', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(`vigil-scorer: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
});
