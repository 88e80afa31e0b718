import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allowedOrigins, ConfigError, ENV_VARIABLES, parseEnv, requireVariables } from './env';

describe('parseEnv', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      MQTT_PORT: 1883,
      MQTT_USERNAME: 'vigil-ingest',
      DEMO_PATIENTS: 40,
      VIGIL_DATA_DIR: '.vigil',
      LOG_LEVEL: 'warn',
    });
    // Unset: the runtime decides (on with the embedded PostgreSQL, off with DATABASE_URL).
    expect(env.DEMO).toBeUndefined();
    // D8: unset means "Secure unless on localhost", decided per request by the api.
    expect(env.COOKIE_SECURE).toBeUndefined();
    expect(env.TRUST_PROXY).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.KAFKA_BROKERS).toBeUndefined();
    expect(env.MQTT_URL).toBeUndefined();
  });

  it('treats an empty or blank variable as unset', () => {
    expect(parseEnv({ PORT: '', DATABASE_URL: '  ' })).toMatchObject({ PORT: 3000, DATABASE_URL: undefined });
  });

  it('parses numbers, booleans and comma lists', () => {
    const env = parseEnv({
      PORT: '8080',
      COOKIE_SECURE: 'true',
      DEMO: 'off',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      ALLOWED_ORIGINS: 'https://vigil.example.nhs.uk',
      DATABASE_URL: 'postgres://vigil@db:5432/vigil',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      COOKIE_SECURE: true,
      DEMO: false,
      KAFKA_BROKERS: ['kafka-1:9092', 'kafka-2:9092'],
      ALLOWED_ORIGINS: ['https://vigil.example.nhs.uk'],
    });
  });

  it("HZ-50 keeps the Kafka session timeout within the brokers' default bounds (10 s unless set)", () => {
    expect(parseEnv({}).KAFKA_SESSION_TIMEOUT_MS).toBe(10_000);
    expect(parseEnv({ KAFKA_SESSION_TIMEOUT_MS: '45000' }).KAFKA_SESSION_TIMEOUT_MS).toBe(45_000);
    expect(() => parseEnv({ KAFKA_SESSION_TIMEOUT_MS: '5000' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS.*6000/);
    expect(() => parseEnv({ KAFKA_SESSION_TIMEOUT_MS: '3600000' })).toThrow(
      /KAFKA_SESSION_TIMEOUT_MS.*1800000/,
    );
  });

  it("HZ-14 bounds the hot path's database statements (30 s unless set, 1 s to 1 h)", () => {
    expect(parseEnv({}).DATABASE_STATEMENT_TIMEOUT_MS).toBe(30_000);
    expect(parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '5000' }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(5_000);
    expect(() => parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '500' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS.*1000/,
    );
    expect(() => parseEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '7200000' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS.*3600000/,
    );
  });

  it('names every bad variable, and why, without echoing the values', () => {
    let caught: unknown;
    try {
      parseEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root:s3cret@db/vigil',
        KAFKA_BROKERS: 'kafka-without-port',
        COOKIE_SECURE: 'maybe',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'COOKIE_SECURE',
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'PORT',
    ]);
    expect(error.message).toContain('DATABASE_URL: expected a URL (postgres://… or postgresql://…)');
    expect(error.message).toContain('PORT: expected a port number (0–65535)');
    expect(error.message).toContain('COOKIE_SECURE: expected true or false');
    expect(error.message).not.toContain('s3cret');
  });

  it('requires MQTT_PASSWORD with MQTT_URL', () => {
    expect(() => parseEnv({ MQTT_URL: 'mqtt://mosquitto:1883' })).toThrow(/MQTT_PASSWORD: required/);
    expect(parseEnv({ MQTT_URL: 'mqtt://mosquitto:1883', MQTT_PASSWORD: 'x' }).MQTT_URL).toBe(
      'mqtt://mosquitto:1883',
    );
  });
});

describe('requireVariables', () => {
  it('lists what a distributed service needs but is missing', () => {
    const env = parseEnv({ DATABASE_URL: 'postgres://db/vigil', KAFKA_BROKERS: ' , ' });
    expect(() => requireVariables(env, ['DATABASE_URL', 'KAFKA_BROKERS', 'MQTT_URL'], 'ingest')).toThrow(
      new ConfigError([
        'KAFKA_BROKERS: required by ingest in the distributed mode',
        'MQTT_URL: required by ingest in the distributed mode',
      ]),
    );
    expect(requireVariables(env, ['DATABASE_URL'], 'the scorer').DATABASE_URL).toBe('postgres://db/vigil');
  });
});

describe('allowedOrigins', () => {
  it("defaults to the console's own origin on the port in use", () => {
    expect(allowedOrigins({ ALLOWED_ORIGINS: undefined }, 4000)).toEqual([
      'http://localhost:4000',
      'http://127.0.0.1:4000',
    ]);
    expect(allowedOrigins({ ALLOWED_ORIGINS: ['https://a.example'] }, 4000)).toEqual(['https://a.example']);
  });
});

describe('docs/operations.md', () => {
  // The configuration reference is a table `| `NAME` | `default` or — | description |`.
  const doc = readFileSync(path.join(__dirname, '../../../docs/operations.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(?:`([^`]*)`|—)\s*\|\s*(.+?)\s*\|\s*$/gm)].map((m) => [
      m[1],
      { default: m[2], description: m[3] },
    ]),
  );

  it('documents every variable of the schema, with its default, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual(ENV_VARIABLES.map((v) => v.name).sort());
    for (const variable of ENV_VARIABLES) {
      expect({ name: variable.name, default: rows.get(variable.name)?.default }).toEqual({
        name: variable.name,
        default: variable.default,
      });
    }
  });

  it('uses the schema’s description for each variable', () => {
    for (const variable of ENV_VARIABLES) {
      expect({ name: variable.name, description: rows.get(variable.name)?.description }).toEqual({
        name: variable.name,
        description: variable.description,
      });
    }
  });
});
