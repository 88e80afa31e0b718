import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startKafka, type KafkaProcess } from './kafka-process';
import { ServiceProcess } from './service-process';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { REPO_ROOT } from './vigil-process';

const PARTITIONS = 4;

/**
 * The topics first, by the operator command, as docs/operations.md says (one broker: RF 1, min ISR 1).
 * On a broker started seconds ago, `vigil kafka-topics` (and a service creating its topics itself) can fail
 * right after creating them with "This server does not host this topic-partition": kafkajs' createTopics
 * waits for leaders but retries only LEADER_NOT_AVAILABLE, not the UNKNOWN_TOPIC_OR_PARTITION that a KRaft
 * broker answers until its metadata has caught up. Run again, it finds the topics and succeeds; an operator
 * would do the same.
 */
async function createTopics(brokers: string): Promise<void> {
  const args = [
    path.join(REPO_ROOT, 'dist/apps/vigil/src/cli.js'),
    'kafka-topics',
    '--brokers',
    brokers,
    '--partitions',
    String(PARTITIONS),
    '--replication-factor',
    '1',
    '--min-insync-replicas',
    '1',
  ];
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, env });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

export interface DistributedSystemOptions {
  /** The round's database on the real server; the services reach it through a proxy of their own. */
  databaseUrl: string;
  mqttUrl: string;
  mqttUsername: string;
  mqttPassword: string;
  redisUrl: string;
  /** Names the instances' MQTT client ids (fixed: a restarted ingest resumes its persistent session). */
  tag: string;
}

/**
 * Vigil's distributed mode as docs/operations.md runs it and the distributed e2e test starts it: two ingest,
 * two scorer and two api processes (the built apps/*) on a private Kafka broker, a private Mosquitto and
 * the round's database — which the services reach only through a TCP proxy, so a database cut is theirs
 * alone and the real PostgreSQL is never stopped. Ingest instances subscribe with plain (not shared)
 * subscriptions: the configuration docs/operations.md gives for Mosquitto, which does not restore a shared
 * subscription after its restart. Each receives every message; the store's unique keys deduplicate.
 */
export class DistributedSystem {
  readonly ingests: ServiceProcess[];
  readonly scorers: ServiceProcess[];
  readonly apis: ServiceProcess[];

  private constructor(
    readonly kafka: KafkaProcess,
    readonly databaseProxy: TcpProxy,
    options: DistributedSystemOptions,
  ) {
    const viaProxy = new URL(options.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(databaseProxy.port);
    const common = {
      DATABASE_URL: viaProxy.toString(),
      KAFKA_BROKERS: kafka.brokers,
      DATABASE_POOL_SIZE: '3',
      STREAM_PARTITIONS: String(PARTITIONS),
    };
    this.scorers = [1, 2].map((n) => new ServiceProcess(`scorer-${n}`, 'scorer', { ...common }));
    this.ingests = [1, 2].map(
      (n) =>
        new ServiceProcess(`ingest-${n}`, 'ingest', {
          ...common,
          MQTT_URL: options.mqttUrl,
          MQTT_USERNAME: options.mqttUsername,
          MQTT_PASSWORD: options.mqttPassword,
          MQTT_CLIENT_ID: `${options.tag}-ingest-${n}`,
        }),
    );
    this.apis = [1, 2].map(
      (n) =>
        new ServiceProcess(`api-${n}`, 'api', {
          ...common,
          REDIS_URL: options.redisUrl,
          LOG_LEVEL: 'error',
        }),
    );
  }

  static async start(options: DistributedSystemOptions): Promise<DistributedSystem> {
    const server = new URL(options.databaseUrl);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    let kafka: KafkaProcess | null = null;
    try {
      kafka = await startKafka();
      await createTopics(kafka.brokers);
      const system = new DistributedSystem(kafka, proxy, options);
      try {
        // One scorer first: it migrates the fresh database, so the others do not wait on its lock.
        await system.scorers[0].start(90_000);
        await Promise.all([
          system.scorers[1].start(),
          ...system.ingests.map((s) => s.start()),
          ...system.apis.map((s) => s.start()),
        ]);
        return system;
      } catch (error) {
        await system.stop();
        throw error;
      }
    } catch (error) {
      await kafka?.stop();
      await proxy.close();
      throw error;
    }
  }

  get services(): ServiceProcess[] {
    return [...this.ingests, ...this.scorers, ...this.apis];
  }

  /** The first api: the suite's REST calls (admissions, provisioning) go there. */
  get httpUrl(): string {
    return this.apis[0].url;
  }

  recentOutput(): string {
    return this.services
      .map((s) => `--- ${s.name} (starts ${s.starts})\n${s.recentOutput().slice(-1500)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    // Producers and consumers first, then what they talk to.
    await Promise.all(this.services.map((s) => s.stop()));
    await this.kafka.stop();
    await this.databaseProxy.close();
  }
}
