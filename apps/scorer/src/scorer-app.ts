import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { SCORER_DATABASE, SCORER_STREAM, ScorerModule, type ScorerModuleOptions } from '@vigil/scorer';
import { openDatabase, SqlDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';

@Global()
@Module({})
class ScorerInfrastructureModule {
  static register(dataSource: DataSource, stream: StreamPort): DynamicModule {
    const providers = [
      { provide: SCORER_DATABASE, useValue: new SqlDatabase(dataSource) },
      { provide: SCORER_STREAM, useValue: stream },
    ];
    return { module: ScorerInfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
class ScorerAppModule {
  static register(dataSource: DataSource, stream: StreamPort, scorer: ScorerModuleOptions): DynamicModule {
    return {
      module: ScorerAppModule,
      imports: [ScorerInfrastructureModule.register(dataSource, stream), ScorerModule.register(scorer)],
    };
  }
}

export interface ScorerAppOptions {
  databaseUrl: string;
  databasePoolSize?: number;
  /** The stream this instance consumes (Kafka in production; tests may pass an in-process one). */
  stream: StreamPort;
  scorer?: ScorerModuleOptions;
}

export interface RunningScorer {
  dataSource: DataSource;
  /** Stops consuming and the timers, then closes the stream and the pool. Idempotent. */
  stop(): Promise<void>;
}

/** One scorer instance (no HTTP): consumes `vitals.observations` in the `vigil-scorer` group. */
export async function startScorerApp(options: ScorerAppOptions): Promise<RunningScorer> {
  const dataSource = await openDatabase({
    url: options.databaseUrl,
    poolSize: options.databasePoolSize,
    applicationName: 'vigil-scorer',
  });
  try {
    const app = await NestFactory.createApplicationContext(
      ScorerAppModule.register(dataSource, options.stream, options.scorer ?? {}),
      { logger: ['error', 'warn'] },
    );
    await app.init();
    let stopped: Promise<void> | null = null;
    return {
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
