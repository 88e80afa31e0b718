import { randomBytes } from 'node:crypto';
import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DeviceRegistryRepository, EMBEDDED_BROKER_SERVICE_ACCOUNT } from '@vigil/storage';
import type { StreamPort, Subscription } from '@vigil/stream';
import { subscribeDeviceCommands } from './device-commands';
import { type BrokerLimits, type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';
import { IngestService } from './ingest.service';
import { createIngestStores, type IngestStoresHandle } from './ingest.stores';
import { registerIngestMetrics } from './ingest.metrics';
import { connectMqttIngest, type MqttIngestClient } from './mqtt-ingest.client';
import { type PipelineHeartbeat, startPipelineHeartbeat } from './pipeline-heartbeat';

/** Provided by the composing app: the TypeORM DataSource and the stream port. */
export const INGEST_DATABASE = Symbol('INGEST_DATABASE');
export const INGEST_STREAM = Symbol('INGEST_STREAM');
export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
/** Ingest's stores (device directory, dead-letter writer), started and closed by the runner. */
export const INGEST_STORES = Symbol('INGEST_STORES');

/** Where ingest's MQTT comes from: the embedded aedes broker, or a subscription to an external broker. */
export type IngestBrokerOptions =
  | {
      kind: 'embedded';
      host?: string;
      /** First port tried; the next free one is used when it is taken. 0 = any free port. */
      port?: number;
      /** Packet, connection, CONNECT-time and sign-in limits (defaults suit a virtual ward). */
      limits?: BrokerLimits;
    }
  | {
      kind: 'external';
      url: string;
      username: string;
      password: string;
      /** Fixed per instance so the broker keeps the session across restarts. */
      clientId: string;
      /** 5 (default) for Mosquitto/EMQX. */
      protocolVersion?: 4 | 5;
      /** A shared subscription so several instances share the load (see `MQTT_SHARED_SUBSCRIPTION`). */
      shared?: boolean;
    };

export interface IngestModuleOptions {
  broker: IngestBrokerOptions;
  /** How often a synthetic heartbeat goes through the pipeline (HZ-01); default 30 s, 0 = off. */
  heartbeatIntervalMs?: number;
  /** Name of this instance in heartbeats. */
  instanceName?: string;
  /** Where ingest's metrics are registered (the composing app scrapes it, e.g. through the api's /metrics). */
  metricsRegistry?: Registry;
  /** Bounds each of ingest's database statements (`DATABASE_STATEMENT_TIMEOUT_MS`); unset: no bound. */
  databaseStatementTimeoutMs?: number;
}

/** Starts the broker or subscription at bootstrap, emits pipeline heartbeats, and closes both on shutdown. */
@Injectable()
export class IngestRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private broker: EmbeddedBroker | null = null;
  private client: MqttIngestClient | null = null;
  private heartbeat: PipelineHeartbeat | null = null;
  private commands: Subscription | null = null;

  private connects = 0;
  private readonly log = new Logger('ingest');

  constructor(
    private readonly ingest: IngestService,
    @Inject(INGEST_DATABASE) private readonly dataSource: DataSource,
    @Inject(INGEST_OPTIONS) private readonly options: IngestModuleOptions,
    @Inject(INGEST_STORES) private readonly stores: IngestStoresHandle,
    @Inject(INGEST_STREAM) private readonly stream: StreamPort,
  ) {
    if (options.metricsRegistry) {
      registerIngestMetrics(options.metricsRegistry, {
        counters: ingest.counters,
        mqtt: () =>
          this.client
            ? {
                connected: this.client.client.connected,
                connects: this.connects,
                subscriptionFailures: this.client.subscriptionFailures(),
              }
            : null,
        brokerRefusals: () => this.broker?.refusalCounts ?? null,
        directory: () => ({ devices: stores.directory.size, ...stores.directory.stats }),
        deadLetterWrites: () => stores.deadLetterStats,
        pendingAcks: () => this.pendingAcks,
      });
    }
  }

  /** The broker devices connect to (embedded: where it listens; external: `MQTT_URL`). */
  get mqttUrl(): string {
    if (this.broker) return this.broker.url;
    if (this.options.broker.kind === 'external') return this.options.broker.url;
    throw new Error('ingest has not started');
  }

  /** The embedded broker, when this process runs one (null in the distributed mode). */
  get embeddedBroker(): EmbeddedBroker | null {
    return this.broker;
  }

  /** Messages handed to ingest and not yet answered (their PUBACK waits for the durable publish). */
  private pendingAcks = 0;

  private async handle(topic: string, payload: Buffer): Promise<void> {
    this.pendingAcks += 1;
    try {
      await this.ingest.handle(topic, payload);
    } finally {
      this.pendingAcks -= 1;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // The device directory is loaded and listening before the first message can arrive.
    await this.stores.start();
    const broker = this.options.broker;
    if (broker.kind === 'embedded') {
      const registry = new DeviceRegistryRepository(this.dataSource);
      this.broker = await startEmbeddedBroker({
        host: broker.host,
        port: broker.port,
        // Nothing outside this process needs a service login to the embedded broker: ingest runs inside it. The
        // username is one no device may be provisioned under (`BROKER_SERVICE_ACCOUNTS`).
        service: {
          username: EMBEDDED_BROKER_SERVICE_ACCOUNT,
          password: randomBytes(24).toString('base64url'),
        },
        verifyDevice: (id, secret) => registry.verifySecret(id, secret),
        onDeviceMessage: (topic, payload) => this.handle(topic, payload),
        onRefusal: (refusal) => this.ingest.recordBrokerRefusal(refusal),
        limits: broker.limits,
      });
    } else {
      this.client = await connectMqttIngest({
        url: broker.url,
        username: broker.username,
        password: broker.password,
        clientId: broker.clientId,
        protocolVersion: broker.protocolVersion ?? 5,
        shared: broker.shared ?? false,
        handle: (topic, payload) => this.handle(topic, payload),
        onError: (error) => this.log.error(`MQTT error: ${error.message}`),
      });
      this.connects = 1;
      this.client.client.on('connect', () => (this.connects += 1));
    }
    // Issue 13: the scorer's device commands (reading reminders) go out through the broker ingest owns.
    this.commands = await subscribeDeviceCommands(this.stream, {
      publish: (topic, payload) => {
        const target = this.broker ?? this.client;
        if (!target) return Promise.reject(new Error('ingest is not connected to a broker'));
        return target.publish(topic, payload);
      },
      onInvalid: (detail) => this.log.error(detail),
    });
    const every = this.options.heartbeatIntervalMs ?? 30_000;
    if (every > 0) {
      this.heartbeat = startPipelineHeartbeat(this.ingest, {
        source: this.options.instanceName ?? 'ingest',
        intervalMs: every,
        // The scorer raises the stalled-pipeline alert when beats stop; here we only say why.
        onError: (error) => this.log.error(`pipeline heartbeat failed: ${error.message}`),
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.heartbeat?.stop();
    this.heartbeat = null;
    await this.commands?.close();
    this.commands = null;
    await this.client?.close();
    this.client = null;
    await this.broker?.close();
    this.broker = null;
    await this.stores.close();
  }
}

/**
 * Ingest's NestJS wiring: the plain {@link IngestService} behind the embedded broker or an MQTT
 * subscription. The composing app provides {@link INGEST_DATABASE} and {@link INGEST_STREAM} (globally).
 */
@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions): DynamicModule {
    return {
      module: IngestModule,
      providers: [
        { provide: INGEST_OPTIONS, useValue: options },
        {
          provide: INGEST_STORES,
          inject: [INGEST_DATABASE],
          useFactory: (dataSource: DataSource) => {
            const log = new Logger('ingest');
            return createIngestStores(dataSource, {
              onError: (error) => log.warn(`registry notifications: ${error.message} (reconnecting)`),
              statementTimeoutMs: options.databaseStatementTimeoutMs,
            });
          },
        },
        {
          provide: IngestService,
          inject: [INGEST_STORES, INGEST_STREAM],
          useFactory: (stores: IngestStoresHandle, stream: StreamPort) => new IngestService(stores, stream),
        },
        IngestRunner,
      ],
      exports: [IngestService, IngestRunner, INGEST_STORES],
    };
  }
}
