import 'reflect-metadata';
import pino from 'pino';
import { allowedOrigins, ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { createStream, kafkaLogCreator } from '@vigil/stream';
import { startApiApp } from './api-app';

const logger = pino({ name: 'vigil-api', level: process.env['LOG_LEVEL'] || 'warn' });

/** `node dist/apps/api/src/main.js`: one api instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(parseEnv(), ['DATABASE_URL', 'KAFKA_BROKERS'], 'the api');
  logger.level = env.LOG_LEVEL;
  const api = await startApiApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    stream: createStream({
      kafkaBrokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-api`,
      partitions: env.STREAM_PARTITIONS,
      onError: (error, context) => logger.warn({ err: error, ...context }, `stream ${context.phase} failed`),
      kafka: {
        kafkaConfig: { logCreator: kafkaLogCreator(logger) },
        sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      },
    }),
    api: {
      allowedOrigins: allowedOrigins(env, env.PORT),
      cookieSecure: env.COOKIE_SECURE,
      trustProxy: env.TRUST_PROXY,
      redisUrl: env.REDIS_URL,
      logLevel: env.LOG_LEVEL,
      brokerServiceAccounts: [env.MQTT_USERNAME],
    },
    port: env.PORT,
    host: env.HOST,
  });
  // Always printed, whatever LOG_LEVEL: operators and the tests wait for it (PORT=0 picks a free port).
  logger.child({}, { level: 'info' }).info({ url: api.url }, `vigil-api: listening on ${api.url}`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      api.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'vigil-api: error while stopping');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  logger.fatal(
    error instanceof ConfigError ? { problems: error.problems } : { err: error },
    `vigil-api: ${error instanceof ConfigError ? error.message : String(error)}`,
  );
  process.exit(1);
});
