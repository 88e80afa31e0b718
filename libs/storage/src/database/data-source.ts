import { DataSource } from 'typeorm';
import { DeadLetterEntity } from '../dead-letters/dead-letter.entity';
import { CreateRegistry1764050000000 } from '../migrations/1764050000000-create-registry';
import { CreateTimeSeries1764060000000 } from '../migrations/1764060000000-create-time-series';
import { CreateAlerts1764060001000 } from '../migrations/1764060001000-create-alerts';
import { CreateUsersAndSessions1764070000000 } from '../migrations/1764070000000-create-users-and-sessions';
import { AddAlertingCore1764080000000 } from '../migrations/1764080000000-add-alerting-core';
import { AddAlertOutbox1764090000000 } from '../migrations/1764090000000-add-alert-outbox';
import { BoundDeadLetterRaw1764120000000 } from '../migrations/1764120000000-bound-dead-letter-raw';
import { DeviceBindingEntity } from '../registry/device-binding.entity';
import { DeviceEntity } from '../registry/device.entity';
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
];

export interface DatabaseOptions {
  url: string;
  /** Pool size; the hot path batches, so a few connections go a long way. */
  poolSize?: number;
  applicationName?: string;
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
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
