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
      // The order is the lifecycle order. Nest starts sibling modules in this order and stops them in the reverse:
      // the api's alerts consumer is subscribed before the scorer publishes, and the scorer before ingest takes
      // readings; at shutdown ingest stops taking readings first, then the scorer finishes its batch, whose alert
      // events still have the api's consumer to go to (stopped the other way round, the batch's publish waited
      // for a consumer that had gone, until the scorer's close gave up after 10 s).
      imports: [
        InfrastructureModule.register(options.dataSource, options.scorerDatabase, options.stream),
        ApiModule.register(options.api),
        ScorerModule.register(options.scorer),
        IngestModule.register(options.ingest),
      ],
    };
  }
}
