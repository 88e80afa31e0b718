import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import {
  DeadLettersRepository,
  DeviceClockOffsetsRepository,
  GroupCommit,
  type NewDeadLetter,
  RegistryChanges,
  SqlDatabase,
} from '@vigil/storage';
import { ClockOffsets } from './clock-offsets';
import { DeviceDirectory } from './device-directory';
import type { IngestStores } from './ingest.service';

/** Ingest's stores with their lifecycle: the directory listens for registry changes until `close`. */
export interface IngestStoresHandle extends IngestStores {
  readonly directory: DeviceDirectory;
  /** Device clock offsets (R12): loaded at start, saved every few seconds when they change, and at close. */
  readonly clockOffsets: ClockOffsets;
  /** Starts listening and loads the directory (done on first use if not called). */
  start(): Promise<void>;
  /** Stops listening and writes the dead letters still waiting. */
  close(): Promise<void>;
  /** Dead-letter flushes and rows, for metrics. */
  readonly deadLetterStats: { flushes: number; items: number; failures: number };
}

export interface IngestStoresOptions {
  /** Reported when the registry notification connection fails (it reconnects by itself). */
  onError?: (error: Error) => void;
  /** Dead-letter group commit linger (default 5 ms). */
  deadLetterLingerMs?: number;
  /** How often changed clock offsets are saved (default 5 s). */
  clockOffsetSaveMs?: number;
  /**
   * The longest one of ingest's statements may take (`DATABASE_STATEMENT_TIMEOUT_MS`): dead letters, clock
   * offsets, the directory's reads. A database that stops answering then fails them (the message's connection
   * is dropped and the broker redelivers it) instead of holding ingest's slots for ever. Unset: no bound.
   */
  statementTimeoutMs?: number;
}

/**
 * Wires ingest's stores to `@vigil/storage`: the in-memory device directory (no database read per message;
 * `vigil_registry` notifications keep it current) and dead letters written by group commit.
 */
export function createIngestStores(
  dataSource: DataSource,
  options: IngestStoresOptions = {},
): IngestStoresHandle {
  const url = (dataSource.options as PostgresConnectionOptions).url;
  if (!url) throw new Error('ingest needs the database URL to listen for registry changes');
  const sql = new SqlDatabase(dataSource, { statementTimeoutMs: options.statementTimeoutMs });
  const changes = new RegistryChanges(url, sql);
  const directory = new DeviceDirectory(changes);
  const deadLetters = new DeadLettersRepository(dataSource, sql);
  const writes = new GroupCommit<NewDeadLetter, string>({
    lingerMs: options.deadLetterLingerMs ?? 5,
    maxItems: 500,
    flush: (records) => deadLetters.insertMany(records),
  });
  const clockOffsets = new ClockOffsets();
  const offsetStore = new DeviceClockOffsetsRepository(dataSource, sql);
  const saveOnce = async (): Promise<void> => {
    const changed = clockOffsets.takeChanged();
    if (changed.length === 0) return;
    await offsetStore.upsertMany(changed).then(
      () => clockOffsets.markSaved(changed.map((c) => c.deviceId)),
      (error: Error) => {
        clockOffsets.markChanged(changed.map((c) => c.deviceId));
        options.onError?.(error);
      },
    );
  };
  // One save at a time, in order: whoever awaits a save knows every estimate taken before it was written.
  let saving: Promise<void> = Promise.resolve();
  const saveOffsets = (): Promise<void> => (saving = saving.then(saveOnce));
  let saver: NodeJS.Timeout | null = null;
  let started: Promise<void> | null = null;
  const start = (): Promise<void> => {
    started ??= Promise.all([
      offsetStore.loadAll().then((offsets) => clockOffsets.seed(offsets)),
      listen(),
    ]).then(() => {
      saver = setInterval(() => void saveOffsets(), options.clockOffsetSaveMs ?? 5000);
      saver.unref();
    });
    return started;
  };
  const listen = () =>
    changes.listen({
      onChange: (deviceId) => directory.invalidate(deviceId),
      // (Re)listening: changes may have been missed, so forget everything and load afresh.
      onListening: () => {
        directory.invalidateAll();
        void directory.reloadAll().catch((error: Error) => options.onError?.(error));
      },
      onError: (error) => {
        directory.invalidateAll();
        options.onError?.(error);
      },
    });
  return {
    directory,
    clockOffsets,
    saveClockOffsets: saveOffsets,
    start,
    async findDevice(id) {
      await start();
      return directory.findDevice(id);
    },
    async bindingsBetween(id, from, to) {
      await start();
      return directory.bindingsBetween(id, from, to);
    },
    insertDeadLetters: (records) => writes.add(records),
    deadLetterStats: writes.stats,
    async close() {
      if (saver) clearInterval(saver);
      await saveOffsets();
      await writes.drain();
      await changes.close();
    },
  };
}
