import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { insertDeadLetters, type SqlDatabase } from '@vigil/storage';
import type { StreamPort, Subscription } from '@vigil/stream';
import {
  type DeadLetterStore,
  type ScorerBatching,
  streamAlertsPublisher,
  streamDeviceCommandsPublisher,
  subscribeScorer,
  subscribeScorerDeadLetters,
} from './scorer.consumer';
import { ScorerService, type ScorerServiceOptions } from './scorer.service';

/** Provided by the composing app: the database (`new SqlDatabase(dataSource)`) and the stream port. */
export const SCORER_DATABASE = Symbol('SCORER_DATABASE');
const timersLogger = new Logger('scorer');
export const SCORER_STREAM = Symbol('SCORER_STREAM');
export const SCORER_OPTIONS = Symbol('SCORER_OPTIONS');

export interface ScorerModuleOptions {
  config?: ScorerServiceOptions['config'];
  /** How often the timers run (escalation, overdue, offline, pipeline); default 30 s. */
  timerIntervalMs?: number;
  /** Off for tests that drive `handleBatch` themselves. */
  consume?: boolean;
  /** How partition batches are gathered into one transaction (default: see {@link subscribeScorer}). */
  batching?: ScorerBatching;
}

/** Subscribes the scorer at start-up, runs its timers, and stops both on shutdown. */
@Injectable()
export class ScorerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private deadLetters: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timersRunning = false;

  constructor(
    private readonly scorer: ScorerService,
    @Inject(SCORER_DATABASE) private readonly db: SqlDatabase,
    @Inject(SCORER_STREAM) private readonly stream: StreamPort,
    @Inject(SCORER_OPTIONS) private readonly options: ScorerModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.consume === false) return;
    const keep: DeadLetterStore = (records) => insertDeadLetters(this.db, records);
    this.subscription = await subscribeScorer(this.stream, this.scorer, keep, this.options.batching);
    // After the scorer's subscription, which makes its dead-letter topic (Kafka).
    this.deadLetters = await subscribeScorerDeadLetters(this.stream, keep);
    this.timer = setInterval(() => void this.tick(), this.options.timerIntervalMs ?? 30_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.subscription?.close();
    await this.deadLetters?.close();
    // What was published and not yet marked, so a restart's relay does not send it again.
    await this.scorer
      .markPublished()
      .catch((error: unknown) =>
        timersLogger.warn(
          `could not mark published outbox events at shutdown (the relay will send them again): ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  private async tick(): Promise<void> {
    if (this.timersRunning) return;
    this.timersRunning = true;
    try {
      await this.scorer.runTimers();
    } catch (error) {
      // Through Nest's logger: the composing app decides where it goes (pino JSON in the distributed mode).
      timersLogger.error(
        `timers failed; retrying on the next tick: ${error instanceof Error ? error.message : String(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
    } finally {
      this.timersRunning = false;
    }
  }
}

/** The scorer's NestJS wiring; the logic is the plain {@link ScorerService}. */
@Module({})
export class ScorerModule {
  static register(options: ScorerModuleOptions = {}): DynamicModule {
    return {
      module: ScorerModule,
      providers: [
        { provide: SCORER_OPTIONS, useValue: options },
        {
          provide: ScorerService,
          inject: [SCORER_DATABASE, SCORER_STREAM],
          useFactory: (db: SqlDatabase, stream: StreamPort) =>
            new ScorerService(db, streamAlertsPublisher(stream), {
              config: options.config,
              publishCommands: streamDeviceCommandsPublisher(stream),
            }),
        },
        ScorerRunner,
      ],
      exports: [ScorerService],
    };
  }
}
