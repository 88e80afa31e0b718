import { type DynamicModule, Global, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { SCORER_DATABASE, SCORER_STREAM, ScorerModule, type ScorerModuleOptions } from '@vigil/scorer';
import { applyTimeSeriesRetention, openDatabase, SqlDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';

@Global()
@Module({})
class ScorerInfrastructureModule {
  static register(dataSource: DataSource, stream: StreamPort, statementTimeoutMs?: number): DynamicModule {
    const providers = [
      { provide: SCORER_DATABASE, useValue: new SqlDatabase(dataSource, { statementTimeoutMs }) },
      { provide: SCORER_STREAM, useValue: stream },
    ];
    return { module: ScorerInfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
class ScorerAppModule {
  static register(
    dataSource: DataSource,
    stream: StreamPort,
    scorer: ScorerModuleOptions,
    statementTimeoutMs?: number,
  ): DynamicModule {
    return {
      module: ScorerAppModule,
      imports: [
        ScorerInfrastructureModule.register(dataSource, stream, statementTimeoutMs),
        ScorerModule.register(scorer),
      ],
    };
  }
}

export interface ScorerAppOptions {
  /** Where Nest (and the libs' `new Logger(…)`) logs; default: errors and warnings on the console. */
  logger?: LoggerService;
  databaseUrl: string;
  databasePoolSize?: number;
  /**
   * The longest one statement of the scorer may take (`DATABASE_STATEMENT_TIMEOUT_MS`): cancelled by the server,
   * given up on a second later if the database does not answer at all. Unset: no bound.
   */
  databaseStatementTimeoutMs?: number;
  /** The stream this instance consumes (Kafka in production; tests may pass an in-process one). */
  stream: StreamPort;
  scorer?: ScorerModuleOptions;
  /** `TIMESERIES_RETENTION_DAYS`: applied at boot, then once a day while this instance runs. */
  retentionDays?: number;
  /** Receives storage's boot decisions (time-series flavour and why, retention). */
  log?: (details: Record<string, unknown>, message: string) => void;
  /** Reports a failed daily retention run (the next day tries again). */
  onRetentionError?: (error: unknown) => void;
}

const DAY_MS = 86_400_000;

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
    retentionDays: options.retentionDays,
    log: options.log,
  });
  let retentionTimer: NodeJS.Timeout | undefined;
  try {
    const app = await NestFactory.createApplicationContext(
      ScorerAppModule.register(
        dataSource,
        options.stream,
        options.scorer ?? {},
        options.databaseStatementTimeoutMs,
      ),
      { logger: options.logger ?? ['error', 'warn'] },
    );
    await app.init();
    const days = options.retentionDays;
    if (days !== undefined) {
      const sql = new SqlDatabase(dataSource);
      retentionTimer = setInterval(() => {
        sql
          .transaction((tx) => applyTimeSeriesRetention(tx, days))
          .then(
            (result) => options.log?.({ ...result }, `time-series retention: ${days} days`),
            (error: unknown) => options.onRetentionError?.(error),
          );
      }, DAY_MS);
      retentionTimer.unref();
    }
    let stopped: Promise<void> | null = null;
    return {
      dataSource,
      stop: () =>
        (stopped ??= (async () => {
          clearInterval(retentionTimer);
          await app.close();
          await options.stream.close().catch(() => undefined);
          await dataSource.destroy();
        })()),
    };
  } catch (error) {
    clearInterval(retentionTimer);
    await dataSource.destroy();
    throw error;
  }
}
