import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import {
  AlertsRepository,
  DeadLettersRepository,
  DeviceRegistryRepository,
  ObservationsRepository,
  OutboxRepository,
  PathwaysRepository,
  PatientsRepository,
  ScoresRepository,
  ScoringContextRepository,
  SessionsRepository,
  SqlDatabase,
  UsersRepository,
} from '@vigil/storage';
import { LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsService } from './alerts/alerts.service';
import { API_DATABASE, API_OPTIONS, type ApiModuleOptions } from './api.options';
import { AuditController } from './audit/audit.controller';
import { AccessService } from './auth/access.service';
import { AuthController } from './auth/auth.controller';
import { LoginThrottleService } from './auth/login-throttle.service';
import { AUTH_PROVIDER } from './auth/auth-provider';
import { LocalAuthProvider } from './auth/local-auth.provider';
import { SessionGuard } from './auth/session.guard';
import { SessionsService } from './auth/sessions.service';
import { CareHomesController } from './care-homes/care-homes.controller';
import { CareHomesService } from './care-homes/care-homes.service';
import { CccController } from './ccc/ccc.controller';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DevicesController } from './devices/devices.controller';
import { FhirController } from './fhir-route/fhir.controller';
import { AlertsEventsConsumer } from './gateway/alerts-events.consumer';
import { EventsGateway } from './gateway/events.gateway';
import { SocketHub } from './gateway/socket-hub.service';
import { HealthController } from './health/health.controller';
import { loggerParams } from './logging/logger.options';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { PathwaysController } from './pathways/pathways.controller';
import { PathwaysService } from './pathways/pathways.service';
import { PatientEntryController } from './patient-reporting/patient-entry.controller';
import { PatientReportingController } from './patient-reporting/patient-reporting.controller';
import { PatientReportingService } from './patient-reporting/patient-reporting.service';
import { PatientsController } from './patients/patients.controller';
import { PatientsService } from './patients/patients.service';
import { ConsoleReadsRepository } from './read-model/console-reads.repository';
import { SmiController } from './smi/smi.controller';
import { SmiService } from './smi/smi.service';
import { StatusController } from './status/status.controller';
import { UsersController } from './users/users.controller';
import { WardsController } from './wards/wards.controller';

/** Repositories built from the composing app's DataSource. */
const repositories = [
  { provide: SqlDatabase, inject: [API_DATABASE], useFactory: (ds: DataSource) => new SqlDatabase(ds) },
  {
    provide: PatientsRepository,
    inject: [API_DATABASE],
    useFactory: (ds: DataSource) => new PatientsRepository(ds),
  },
  {
    provide: DeviceRegistryRepository,
    inject: [API_DATABASE, API_OPTIONS],
    useFactory: (ds: DataSource, options: ApiModuleOptions) =>
      new DeviceRegistryRepository(ds, undefined, { serviceAccounts: options.brokerServiceAccounts }),
  },
  {
    provide: UsersRepository,
    inject: [API_DATABASE],
    useFactory: (ds: DataSource) => new UsersRepository(ds),
  },
  {
    provide: SessionsRepository,
    inject: [API_DATABASE],
    useFactory: (ds: DataSource) => new SessionsRepository(ds),
  },
  {
    provide: DeadLettersRepository,
    inject: [API_DATABASE],
    useFactory: (ds: DataSource) => new DeadLettersRepository(ds),
  },
  { provide: AlertsRepository, useValue: new AlertsRepository() },
  { provide: OutboxRepository, useValue: new OutboxRepository() },
  { provide: ObservationsRepository, useValue: new ObservationsRepository() },
  { provide: ScoresRepository, useValue: new ScoresRepository() },
  { provide: ScoringContextRepository, useValue: new ScoringContextRepository() },
  { provide: ConsoleReadsRepository, useValue: new ConsoleReadsRepository() },
  { provide: PathwaysRepository, useValue: new PathwaysRepository() },
];

/**
 * The REST + socket.io API (docs/api-surface.md). The composing app provides `API_DATABASE` (a migrated
 * TypeORM DataSource) and `API_STREAM` (a StreamPort), e.g. from a `@Global()` module, then calls
 * {@link configureApiApp} on the Nest app before `listen`.
 */
@Module({})
export class ApiModule {
  static register(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [LoggerModule.forRoot(loggerParams(options)), TerminusModule],
      controllers: [
        AuthController,
        WardsController,
        PatientsController,
        PathwaysController,
        AlertsController,
        CccController,
        DevicesController,
        UsersController,
        AuditController,
        DeadLettersController,
        StatusController,
        FhirController,
        HealthController,
        MetricsController,
        PatientReportingController,
        PatientEntryController,
        CareHomesController,
        SmiController,
      ],
      providers: [
        { provide: API_OPTIONS, useValue: options },
        ...repositories,
        {
          provide: AUTH_PROVIDER,
          inject: [UsersRepository],
          useFactory: (u: UsersRepository) => new LocalAuthProvider(u),
        },
        SessionsService,
        LoginThrottleService,
        AccessService,
        PatientsService,
        PathwaysService,
        PatientReportingService,
        CareHomesService,
        SmiService,
        AlertsService,
        MetricsService,
        SocketHub,
        EventsGateway,
        AlertsEventsConsumer,
        { provide: APP_GUARD, useClass: SessionGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [SocketHub, MetricsService, SessionsService, UsersRepository],
    };
  }
}
