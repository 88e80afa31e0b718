import type { AddressInfo } from 'node:net';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { API_DATABASE, API_STREAM, ApiModule, type ApiModuleOptions, configureApiApp } from '@vigil/api';
import { openDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';
import type { DataSource } from 'typeorm';

@Global()
@Module({})
class ApiInfrastructureModule {
  static register(dataSource: DataSource, stream: StreamPort): DynamicModule {
    const providers = [
      { provide: API_DATABASE, useValue: dataSource },
      { provide: API_STREAM, useValue: stream },
    ];
    return { module: ApiInfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
class ApiAppModule {
  static register(dataSource: DataSource, stream: StreamPort, api: ApiModuleOptions): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [ApiInfrastructureModule.register(dataSource, stream), ApiModule.register(api)],
    };
  }
}

export interface ApiAppOptions {
  databaseUrl: string;
  databasePoolSize?: number;
  /** Kafka in production; tests may pass an in-process stream. */
  stream: StreamPort;
  api: ApiModuleOptions;
  port: number;
  host: string;
}

export interface RunningApi {
  url: string;
  dataSource: DataSource;
  /** Closes HTTP and sockets, then the stream and the pool. Idempotent. */
  stop(): Promise<void>;
}

/** One api instance of the distributed mode: REST + socket.io, no console files. */
export async function startApiApp(options: ApiAppOptions): Promise<RunningApi> {
  const dataSource = await openDatabase({
    url: options.databaseUrl,
    poolSize: options.databasePoolSize,
    applicationName: 'vigil-api',
  });
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      ApiAppModule.register(dataSource, options.stream, options.api),
      { bufferLogs: true },
    );
    await configureApiApp(app, options.api);
    app.enableShutdownHooks();
    await app.listen(options.port, options.host);
    const address = app.getHttpServer().address() as AddressInfo;
    let stopped: Promise<void> | null = null;
    return {
      url: `http://${options.host}:${address.port}`,
      dataSource,
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
