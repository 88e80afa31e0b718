export {
  createDataSource,
  describeTimeSeriesStorage,
  openDatabase,
  MIGRATIONS,
  type DatabaseOptions,
  type TimeSeriesStorage,
} from './database/data-source';
export { WardEntity } from './registry/ward.entity';
export { PatientEntity, type PersonalThreshold, type MonitoringSchedule } from './registry/patient.entity';
export {
  DeviceEntity,
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceStatusValue,
} from './registry/device.entity';
export { DeviceBindingEntity } from './registry/device-binding.entity';
export {
  BROKER_SERVICE_ACCOUNTS,
  DeviceRegistryRepository,
  type DeviceRegistryOptions,
  EMBEDDED_BROKER_SERVICE_ACCOUNT,
  type SecretVerifier,
  RegistryError,
  type ProvisionedDevice,
} from './registry/device-registry.repository';
export {
  PatientsRepository,
  type AdmitPatientInput,
  type PatientAuditInput,
  type PatientAuditEntry,
} from './registry/patients.repository';
export { DeadLetterEntity } from './dead-letters/dead-letter.entity';
export {
  type DeadLetterPage,
  DeadLettersRepository,
  insertDeadLetters,
  InvalidCursorError,
  type NewDeadLetter,
  type StoredDeadLetter,
} from './dead-letters/dead-letters.repository';
export {
  SqlDatabase,
  type SqlClient,
  type SqlDatabaseOptions,
  type SqlTransaction,
  type TransactionOptions,
} from './timeseries/sql-client';
export { GroupCommit, type GroupCommitOptions } from './database/group-commit';
export {
  StreamJournalRepository,
  type JournalRecordRow,
  type StreamJournalOptions,
} from './stream/stream-journal.repository';
export {
  DeviceClockOffsetsRepository,
  type DeviceClockOffset,
} from './registry/device-clock-offsets.repository';
export {
  RegistryChanges,
  type RegistrySnapshot,
  type RegistryDeviceRow,
  type RegistryBindingRow,
} from './registry/registry-changes';
export {
  timeSeriesSchemaStatements,
  detectTimeSeriesMode,
  detectTimeSeriesSupport,
  installedTimeSeriesMode,
  PARTITION_MONTHS_AHEAD,
  type TimeSeriesMode,
  type TimeSeriesSupport,
} from './timeseries/timeseries-schema';
export { applyTimeSeriesRetention, type RetentionResult } from './timeseries/retention';
export { refreshWaitingOutScheduler } from './timeseries/observation-rows-schema';
export {
  ObservationsRepository,
  type ObservationToStore,
  type LatestValue,
  type HourlyBucket,
} from './timeseries/observations.repository';
export { ScoresRepository, type ScoreToStore, type StoredScore } from './timeseries/scores.repository';
export { alertFromRow, ALERT_COLUMNS } from './alerts/alert-record';
export { AlertsRepository } from './alerts/alerts.repository';
export { OutboxRepository, type OutboxEntry } from './alerts/outbox.repository';
export { DeviceCommandsRepository, type DeviceCommandToStore } from './alerts/device-commands.repository';
export {
  ScoringContextRepository,
  type PatientScoringContext,
  type DeviceStatusUpdate,
} from './alerts/scoring-context.repository';
export {
  UsersRepository,
  USER_ROLE_VALUES,
  type UserRecord,
  type UserRoleValue,
  type NewUser,
  type UserChanges,
} from './users/users.repository';
export {
  SessionsRepository,
  hashSessionToken,
  type ActiveSession,
  type SessionLimits,
} from './users/sessions.repository';
export {
  PathwaysRepository,
  type StoredPlan,
  type StoredDischarge,
  type ScheduledPatientRow,
} from './pathways/pathways.repository';
export {
  PatientAccessRepository,
  hashAccessCode,
  type AccessCodeRecord,
  type PatientSessionRecord,
  type PatientSessionLimits,
} from './patient-reporting/patient-access.repository';
export {
  ReportedAnswersRepository,
  type ReportedAnswersToStore,
  type StoredReportedAnswers,
} from './patient-reporting/reported-answers.repository';
export {
  CareHomesRepository,
  type CareHomeRecord,
  type CareHomeDeviceRecord,
  type ResidentFall,
  type ResidentRecord,
} from './care-homes/care-homes.repository';
export {
  SmiPlansRepository,
  type MissedCheckInRecord,
  type SmiContactRecord,
  type SmiPlanRecord,
} from './care-homes/smi-plans.repository';
