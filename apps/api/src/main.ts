import 'reflect-metadata';
import { allowedOrigins, ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { createStream } from '@vigil/stream';
import { startApiApp } from './api-app';

/** `node dist/apps/api/src/main.js`: one api instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(parseEnv(), ['DATABASE_URL', 'KAFKA_BROKERS'], 'the api');
  const api = await startApiApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    stream: createStream({
      kafkaBrokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-api`,
      partitions: env.STREAM_PARTITIONS,
    }),
    api: {
      allowedOrigins: allowedOrigins(env, env.PORT),
      cookieSecure: env.COOKIE_SECURE,
      redisUrl: env.REDIS_URL,
      logLevel: env.LOG_LEVEL,
    },
    port: env.PORT,
    host: env.HOST,
  });
  console.log(`vigil-api: listening on ${api.url}`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      api.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('vigil-api: error while stopping', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(`vigil-api: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
});
