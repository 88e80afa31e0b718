import { parseEnv } from '@vigil/config';
import { vigilOptionsFromEnv } from './start-vigil';

describe('vigilOptionsFromEnv', () => {
  it('runs the embedded broker and the in-process stream when nothing external is configured', () => {
    const options = vigilOptionsFromEnv(parseEnv({}), 'postgres://embedded/vigil');
    expect(options).toMatchObject({
      databaseUrl: 'postgres://embedded/vigil',
      httpPort: 3000,
      mqtt: { kind: 'embedded', host: '127.0.0.1', port: 1883 },
      kafkaBrokers: undefined,
      redisUrl: undefined,
      demo: true,
    });
  });

  it('uses the external broker, Kafka and Redis when they are configured', () => {
    const env = parseEnv({
      MQTT_URL: 'mqtt://mosquitto:1883',
      MQTT_PASSWORD: 'pw',
      MQTT_CLIENT_ID: 'ingest-7',
      KAFKA_BROKERS: 'kafka:9092',
      REDIS_URL: 'redis://redis:6379',
      DEMO: 'false',
    });
    expect(vigilOptionsFromEnv(env, 'postgres://db/vigil')).toMatchObject({
      mqtt: {
        kind: 'external',
        url: 'mqtt://mosquitto:1883',
        username: 'vigil-ingest',
        password: 'pw',
        clientId: 'ingest-7',
      },
      kafkaBrokers: ['kafka:9092'],
      redisUrl: 'redis://redis:6379',
      demo: false,
    });
  });

  it('HZ-50 passes the Kafka session timeout to the all-in-one process as to the separate services', () => {
    const env = parseEnv({ KAFKA_BROKERS: 'kafka:9092', KAFKA_SESSION_TIMEOUT_MS: '20000' });
    expect(vigilOptionsFromEnv(env, 'postgres://db/vigil').kafkaSessionTimeoutMs).toBe(20_000);
  });

  it('HZ-14 passes the bound on database statements to the all-in-one process', () => {
    expect(vigilOptionsFromEnv(parseEnv({}), 'postgres://db/vigil').databaseStatementTimeoutMs).toBe(30_000);
    const env = parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '4000' });
    expect(vigilOptionsFromEnv(env, 'postgres://db/vigil').databaseStatementTimeoutMs).toBe(4_000);
  });

  it('seeds the demo (known passwords) by default only with the embedded PostgreSQL, never into DATABASE_URL unasked', () => {
    expect(vigilOptionsFromEnv(parseEnv({}), 'postgres://embedded/vigil').demo).toBe(true);
    const real = parseEnv({ DATABASE_URL: 'postgres://db/vigil' });
    expect(vigilOptionsFromEnv(real, 'postgres://db/vigil').demo).toBe(false);
    const forced = parseEnv({ DATABASE_URL: 'postgres://db/vigil', DEMO: 'true' });
    expect(vigilOptionsFromEnv(forced, 'postgres://db/vigil').demo).toBe(true);
  });
});
