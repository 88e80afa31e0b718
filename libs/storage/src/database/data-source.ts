import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DeadLetterEntity } from '../dead-letters/dead-letter.entity';
import { CreateRegistry1764050000000 } from '../migrations/1764050000000-create-registry';
import { CreateTimeSeries1764060000000 } from '../migrations/1764060000000-create-time-series';
import { CreateAlerts1764060001000 } from '../migrations/1764060001000-create-alerts';
import { CreateUsersAndSessions1764070000000 } from '../migrations/1764070000000-create-users-and-sessions';
import { AddAlertingCore1764080000000 } from '../migrations/1764080000000-add-alerting-core';
import { AddAlertOutbox1764090000000 } from '../migrations/1764090000000-add-alert-outbox';
import { BoundDeadLetterRaw1764120000000 } from '../migrations/1764120000000-bound-dead-letter-raw';
import { AddStreamJournal1764130000000 } from '../migrations/1764130000000-add-stream-journal';
import { AddPathways1764200000000 } from '../migrations/1764200000000-add-pathways';
import { AddPatientReporting1764300000000 } from '../migrations/1764300000000-add-patient-reporting';
import { AddCareHomes1764300001000 } from '../migrations/1764300001000-add-care-homes';
import { AddDeviceCommands1764400000000 } from '../migrations/1764400000000-add-device-commands';
import { AddSmiContacts1764500000000 } from '../migrations/1764500000000-add-smi-contacts';
import { AttachPostFallAnswers1764500001000 } from '../migrations/1764500001000-attach-post-fall-answers';
import { AddDeviceClockOffsets1764600000000 } from '../migrations/1764600000000-add-device-clock-offsets';
import { LeanObservationRows1764600001000 } from '../migrations/1764600001000-lean-observation-rows';
import { ObservationSparseIndexes1764700000000 } from '../migrations/1764700000000-observation-sparse-indexes';
import { CompactObservationRows1764800000000 } from '../migrations/1764800000000-compact-observation-rows';
import { RefreshObservationHourly1764800001000 } from '../migrations/1764800001000-refresh-observation-hourly';
import { HourlyTrendTakesLateReadings1764800002000 } from '../migrations/1764800002000-hourly-trend-takes-late-readings';
import { HourlyTrendRefreshEveryMinute1764900000000 } from '../migrations/1764900000000-hourly-trend-refresh-every-minute';
import { DeviceBindingEntity } from '../registry/device-binding.entity';
import { DeviceEntity } from '../registry/device.entity';
import { applyTimeSeriesRetention } from '../timeseries/retention';
import { SqlDatabase, type SqlClient } from '../timeseries/sql-client';
import {
  detectTimeSeriesSupport,
  installedTimeSeriesMode,
  type TimeSeriesMode,
} from '../timeseries/timeseries-schema';
import { PatientEntity } from '../registry/patient.entity';
import { WardEntity } from '../registry/ward.entity';

export const ENTITIES = [WardEntity, PatientEntity, DeviceEntity, DeviceBindingEntity, DeadLetterEntity];

/** Every migration, in order. A migration is never edited once it has landed; add a new one. */
export const MIGRATIONS = [
  CreateRegistry1764050000000,
  CreateTimeSeries1764060000000,
  CreateAlerts1764060001000,
  CreateUsersAndSessions1764070000000,
  AddAlertingCore1764080000000,
  AddAlertOutbox1764090000000,
  BoundDeadLetterRaw1764120000000,
  AddStreamJournal1764130000000,
  AddPathways1764200000000,
  AddPatientReporting1764300000000,
  AddCareHomes1764300001000,
  AddDeviceCommands1764400000000,
  AddSmiContacts1764500000000,
  AttachPostFallAnswers1764500001000,
  AddDeviceClockOffsets1764600000000,
  LeanObservationRows1764600001000,
  ObservationSparseIndexes1764700000000,
  CompactObservationRows1764800000000,
  RefreshObservationHourly1764800001000,
  HourlyTrendTakesLateReadings1764800002000,
  HourlyTrendRefreshEveryMinute1764900000000,
];

export interface DatabaseOptions {
  url: string;
  /** Pool size; the hot path batches, so a few connections go a long way. */
  poolSize?: number;
  applicationName?: string;
  /**
   * Days of observations and NEWS2 scores to keep (`TIMESERIES_RETENTION_DAYS`), applied after the migrations:
   * a TimescaleDB retention policy, or old month partitions dropped. Unset: keep everything, change nothing.
   */
  retentionDays?: number;
  /**
   * Receives what storage decided at boot (time-series flavour and why, retention), e.g. a pino logger's `info`;
   * a TimescaleDB that is on the server but unusable comes with `fallback: true` (worth a warning).
   */
  log?: (details: Record<string, unknown>, message: string) => void;
}

/** How the time-series tables of an open database are stored, and why (logged at boot). */
export interface TimeSeriesStorage {
  mode: TimeSeriesMode | null;
  reason: string;
  /** TimescaleDB is on the server but not used: an operator should look (logged as a warning). */
  fallback: boolean;
}

export async function describeTimeSeriesStorage(sql: SqlClient): Promise<TimeSeriesStorage> {
  const [support, mode] = await Promise.all([detectTimeSeriesSupport(sql), installedTimeSeriesMode(sql)]);
  const [available] = await sql.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  const fallback = mode === 'partitioned' && available !== undefined;
  if (mode === 'partitioned' && support.mode === 'timescale') {
    return {
      mode,
      reason: 'the schema was created before TimescaleDB was usable on this server; it stays partitioned',
      fallback,
    };
  }
  return { mode, reason: support.reason, fallback };
}

/**
 * Creates (not yet initialised) the TypeORM DataSource for Vigil. Schema comes only from the raw-SQL
 * migrations (`synchronize` is off: SPEC §2).
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    entities: ENTITIES,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'vigil',
    // Off: failed statements would be logged with their parameters, which can hold patient identifiers.
    logging: false,
  });
}

/** Opens a DataSource and applies pending migrations. Runs on every start (idempotent). */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    // Several services (and instances) start at once in the distributed mode: one migrates, the others wait
    // for it on a session advisory lock and then find nothing pending (without it, two concurrent
    // `CREATE EXTENSION` collide).
    // The lock is held on a connection of its own, outside the pool: a pool of one (the CLI) must still
    // have its connection free for the migrations.
    const lock = new Client({ connectionString: options.url, application_name: 'vigil-migrations-lock' });
    lock.on('error', () => undefined); // a reset surfaces as the rejection of the query it interrupts
    await lock.connect();
    try {
      await lock.query(`SELECT pg_advisory_lock(hashtext('vigil_migrations'))`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.end().catch(() => undefined); // ending the session releases the lock
    }
    const sql = new SqlDatabase(dataSource);
    const storage = await describeTimeSeriesStorage(sql);
    options.log?.({ ...storage }, `time-series storage: ${storage.mode ?? 'none'} (${storage.reason})`);
    if (options.retentionDays !== undefined) {
      const days = options.retentionDays;
      const retention = await sql.transaction((tx) => applyTimeSeriesRetention(tx, days));
      options.log?.({ ...retention }, `time-series retention: ${days} days`);
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
