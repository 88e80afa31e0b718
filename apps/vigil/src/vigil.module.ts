import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { API_DATABASE, API_STREAM, ApiModule, type ApiModuleOptions } from '@vigil/api';
import { INGEST_DATABASE, INGEST_STREAM, IngestModule, type IngestModuleOptions } from '@vigil/ingest';
import { SCORER_DATABASE, SCORER_STREAM, ScorerModule, type ScorerModuleOptions } from '@vigil/scorer';
import type { SqlDatabase } from '@vigil/storage';
import type { StreamPort } from '@vigil/stream';

/** The process's shared infrastructure, visible to every feature module (each names its own tokens). */
@Global()
@Module({})
class InfrastructureModule {
  static register(dataSource: DataSource, scorerDatabase: SqlDatabase, stream: StreamPort): DynamicModule {
    const providers = [
      { provide: INGEST_DATABASE, useValue: dataSource },
      { provide: INGEST_STREAM, useValue: stream },
      { provide: SCORER_DATABASE, useValue: scorerDatabase },
      { provide: SCORER_STREAM, useValue: stream },
      { provide: API_DATABASE, useValue: dataSource },
      { provide: API_STREAM, useValue: stream },
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: providers.map((p) => p.provide),
    };
  }
}

export interface VigilModuleOptions {
  dataSource: DataSource;
  /** The scorer's database client on `dataSource`'s pool (its statements bounded by `DATABASE_STATEMENT_TIMEOUT_MS`). */
  scorerDatabase: SqlDatabase;
  stream: StreamPort;
  ingest: IngestModuleOptions;
  scorer: ScorerModuleOptions;
  api: ApiModuleOptions;
}

/** All three services in one process (the embedded mode), over one database and one stream. */
@Module({})
export class VigilModule {
  static register(options: VigilModuleOptions): DynamicModule {
    return {
      module: VigilModule,
      imports: [
        InfrastructureModule.register(options.dataSource, options.scorerDatabase, options.stream),
        IngestModule.register(options.ingest),
        ScorerModule.register(options.scorer),
        ApiModule.register(options.api),
      ],
    };
  }
}
