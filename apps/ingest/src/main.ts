import 'reflect-metadata';
import { hostname } from 'node:os';
import { ConfigError, parseEnv, requireVariables } from '@vigil/config';
import { createStream } from '@vigil/stream';
import { startIngestApp } from './ingest-app';

/** `node dist/apps/ingest/src/main.js`: one ingest instance of the distributed mode (SPEC §2). */
async function main(): Promise<void> {
  const env = requireVariables(
    parseEnv(),
    ['DATABASE_URL', 'KAFKA_BROKERS', 'MQTT_URL', 'MQTT_PASSWORD'],
    'ingest',
  );
  const clientId = env.MQTT_CLIENT_ID ?? `vigil-ingest-${hostname()}`;
  const ingest = await startIngestApp({
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    stream: createStream({
      kafkaBrokers: env.KAFKA_BROKERS,
      clientId: `${env.KAFKA_CLIENT_ID}-ingest`,
      partitions: env.STREAM_PARTITIONS,
    }),
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
    },
  });
  console.log(`vigil-ingest: subscribed to ${ingest.mqttUrl} as ${clientId}; publishing to Kafka`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      ingest.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('vigil-ingest: error while stopping', error);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(`vigil-ingest: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
});
