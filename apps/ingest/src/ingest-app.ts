import { type DynamicModule, Global, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import {
  INGEST_DATABASE,
  INGEST_STREAM,
  IngestModule,
  type IngestModuleOptions,
  IngestRunner,
} from '@vigil/ingest';
import { openDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';

@Global()
@Module({})
class IngestInfrastructureModule {
  static register(dataSource: DataSource, stream: StreamPort): DynamicModule {
    const providers = [
      { provide: INGEST_DATABASE, useValue: dataSource },
      { provide: INGEST_STREAM, useValue: stream },
    ];
    return { module: IngestInfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
class IngestAppModule {
  static register(dataSource: DataSource, stream: StreamPort, ingest: IngestModuleOptions): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [IngestInfrastructureModule.register(dataSource, stream), IngestModule.register(ingest)],
    };
  }
}

export interface IngestAppOptions {
  /** Where Nest (and the libs' `new Logger(…)`) logs; default: errors and warnings on the console. */
  logger?: LoggerService;
  databaseUrl: string;
  databasePoolSize?: number;
  /** The stream it publishes to (Kafka in production; tests may pass an in-process one). */
  stream: StreamPort;
  /** In the distributed mode an external broker; instances share its load through a shared subscription. */
  ingest: IngestModuleOptions;
}

export interface RunningIngest {
  dataSource: DataSource;
  mqttUrl: string;
  /** Unsubscribes (unacknowledged messages stay with the broker), then closes the stream and the pool. */
  stop(): Promise<void>;
}

/** One ingest instance: an MQTT subscriber that publishes canonical observations to the stream. */
export async function startIngestApp(options: IngestAppOptions): Promise<RunningIngest> {
  const dataSource = await openDatabase({
    url: options.databaseUrl,
    poolSize: options.databasePoolSize,
    applicationName: 'vigil-ingest',
  });
  try {
    const app = await NestFactory.createApplicationContext(
      IngestAppModule.register(dataSource, options.stream, options.ingest),
      { logger: options.logger ?? ['error', 'warn'] },
    );
    await app.init();
    let stopped: Promise<void> | null = null;
    return {
      dataSource,
      mqttUrl: app.get(IngestRunner).mqttUrl,
      stop: () =>
        (stopped ??= (async () => {
          await app.close();
          await options.stream.close().catch(() => undefined);
          await dataSource.destroy();
        })()),
    };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
