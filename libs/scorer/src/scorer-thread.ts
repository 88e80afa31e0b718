import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createDataSource, SqlDatabase } from '@vigil/storage';
import {
  crossError,
  type CrossedError,
  type InProcessStream,
  rebuildError,
  serveStreamToThread,
  ThreadStream,
  type ThreadPort,
} from '@vigil/stream';
import { streamAlertsPublisher, streamDeviceCommandsPublisher } from './scorer.consumer';
import { ScorerRunner, type ScorerModuleOptions } from './scorer.module';
import { ScorerService } from './scorer.service';

/**
 * The embedded runtime's scorer on a worker thread of its own (issue 11, decision 0005 item 20). One event loop
 * ran MQTT, ingest, the stream, the scorer and the api: a scoring batch's seven database round trips each waited
 * behind ingest's work, and its decisions and encodings held up the PUBACKs behind them. On its own thread the
 * scorer is the same code — `ScorerService` and `ScorerRunner`, on a database pool of its own — consuming the
 * main thread's in-process stream through {@link ThreadStream}. Its commits still release the stream journal's
 * publishes, so durability is unchanged (HZ-03): a batch is committed on the stream only after the thread's
 * database commit.
 */

/** What the thread is started with (structured-cloned: plain data only). */
export interface ScorerThreadData {
  databaseUrl: string;
  /** The thread's own pool (default 4): one connection per transaction in flight, plus the timers'. */
  databasePoolSize?: number;
  /** `DATABASE_STATEMENT_TIMEOUT_MS` for the scorer's statements. */
  statementTimeoutMs?: number;
  /** The main thread's stream's partition batches at once. */
  concurrentPartitionBatches: number;
  scorer: Pick<ScorerModuleOptions, 'config' | 'timerIntervalMs' | 'batching'>;
}

/** The scorer's control messages beside the stream's, tagged likewise. */
const TAG = 'vigil.scorer-thread';
type Control =
  | { tag: typeof TAG; op: 'started' }
  | { tag: typeof TAG; op: 'failed'; error: CrossedError }
  | { tag: typeof TAG; op: 'stop' }
  | { tag: typeof TAG; op: 'stopped' };

function isControl(data: unknown): data is Control {
  return typeof data === 'object' && data !== null && (data as { tag?: unknown }).tag === TAG;
}

/**
 * The thread's body (the worker file calls it): opens the pool, subscribes the scorer, runs its timers, and
 * stops them all when the main thread asks.
 */
export async function runScorerThread(port: ThreadPort, data: ScorerThreadData): Promise<void> {
  const dataSource = createDataSource({
    url: data.databaseUrl,
    poolSize: data.databasePoolSize ?? 4,
    applicationName: 'vigil-scorer',
  });
  const stream = new ThreadStream(port, { concurrentPartitionBatches: data.concurrentPartitionBatches });
  let runner: ScorerRunner | null = null;
  const stop = async () => {
    await runner?.onApplicationShutdown();
    await stream.close();
    if (dataSource.isInitialized) await dataSource.destroy();
  };
  port.on('message', (message: unknown) => {
    if (!isControl(message) || message.op !== 'stop') return;
    void stop().finally(() => port.postMessage({ tag: TAG, op: 'stopped' } satisfies Control));
  });
  try {
    await dataSource.initialize();
    const db = new SqlDatabase(dataSource, { statementTimeoutMs: data.statementTimeoutMs });
    const scorer = new ScorerService(db, streamAlertsPublisher(stream), {
      config: data.scorer.config,
      publishCommands: streamDeviceCommandsPublisher(stream),
    });
    runner = new ScorerRunner(scorer, stream, data.scorer);
    await runner.onApplicationBootstrap();
    port.postMessage({ tag: TAG, op: 'started' } satisfies Control);
  } catch (error) {
    await stop().catch(() => undefined);
    port.postMessage({ tag: TAG, op: 'failed', error: crossError(error) } satisfies Control);
  }
}

/** The scorer thread, seen from the main thread. */
export interface ScorerThread {
  /** The thread (its event-loop utilisation and resource use, for health and benchmarks). */
  readonly worker: Worker;
  /** Stops the scorer (its subscription closes as in-thread: a batch in flight may finish), then the thread. */
  stop(): Promise<void>;
}

export interface StartScorerThreadOptions extends Omit<ScorerThreadData, 'concurrentPartitionBatches'> {
  /**
   * Called once if the thread dies after it started (an uncaught error, out of memory): the readings it held
   * go back to the stream uncommitted, but nothing scores them until a new scorer subscribes. The embedded
   * runtime stops the process, as it would have died with the scorer on its own thread.
   */
  onFailure: (error: Error) => void;
}

/** How long {@link ScorerThread.stop} waits for the thread to stop by itself before terminating it. */
const STOP_TIMEOUT_MS = 15_000;

/** Where the worker file is: beside this one, compiled (dist) or, from the sources (tests), with swc on load. */
function workerEntry(): { file: string; eval: boolean } {
  if (!__filename.endsWith('.ts')) return { file: path.join(__dirname, 'scorer.worker.js'), eval: false };
  const hook = path.resolve(__dirname, '../../../tools/register-ts.cjs');
  if (!existsSync(hook)) throw new Error(`cannot start the scorer thread from the sources without ${hook}`);
  const file = path.join(__dirname, 'scorer.worker.ts');
  return { file: `require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`, eval: true };
}

/** Starts the scorer on a worker thread consuming `stream`; resolves once it has subscribed. */
export async function startScorerThread(
  stream: InProcessStream,
  options: StartScorerThreadOptions,
): Promise<ScorerThread> {
  const { onFailure, ...rest } = options;
  const data: ScorerThreadData = { ...rest, concurrentPartitionBatches: stream.concurrentPartitionBatches };
  const entry = workerEntry();
  const worker = new Worker(entry.file, { eval: entry.eval, workerData: data });
  const host = serveStreamToThread(stream, worker);
  let started = false;
  let stopping = false;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const fail = (error: Error) => {
    void host.close();
    if (started && !stopping) onFailure(error);
  };
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (message: unknown) => {
      if (!isControl(message)) return;
      if (message.op === 'started') {
        started = true;
        resolve();
      } else if (message.op === 'failed') reject(rebuildError(message.error));
    });
    worker.on('error', (error) => {
      reject(error);
      fail(error);
    });
    void exited.then((code) => {
      const error = new Error(`the scorer thread exited (code ${code})`);
      reject(error);
      fail(error);
    });
  }).catch(async (error: unknown) => {
    await host.close();
    await worker.terminate();
    throw error;
  });
  return {
    worker,
    async stop() {
      if (stopping) return;
      stopping = true;
      worker.postMessage({ tag: TAG, op: 'stop' } satisfies Control);
      const stopped = new Promise<void>((resolve) =>
        worker.on('message', (message: unknown) => {
          if (isControl(message) && message.op === 'stopped') resolve();
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
      await Promise.race([stopped, exited.then(() => undefined), timeout]);
      clearTimeout(timer);
      await host.close();
      await worker.terminate();
    },
  };
}
