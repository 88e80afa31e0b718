import type { AddressInfo } from 'node:net';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { API_DATABASE, API_STREAM, ApiModule, type ApiModuleOptions, configureApiApp } from '../../src/index';
import { nhsNumberCheckDigit } from '@vigil/clinical';
import {
  type AlertSeverity,
  type RuleId,
  streamTopics,
  type UserRole,
  type VitalsStreamEvent,
  vitalsStreamEventSchema,
} from '@vigil/contracts';
import { type AlertRecord, newAlertRecord } from '@vigil/alerting';
import {
  AlertsRepository,
  openDatabase,
  PatientsRepository,
  SqlDatabase,
  UsersRepository,
} from '@vigil/storage';
import { InProcessStream } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import type { DataSource } from 'typeorm';

export const PASSWORD = 'correct horse battery staple';

@Global()
@Module({})
class TestInfraModule {
  static with(dataSource: DataSource, stream: InProcessStream): DynamicModule {
    return {
      module: TestInfraModule,
      global: true,
      providers: [
        { provide: API_DATABASE, useValue: dataSource },
        { provide: API_STREAM, useValue: stream },
      ],
      exports: [API_DATABASE, API_STREAM],
    };
  }
}

/** A valid NHS number made from a nine-digit seed (the check digit computed, skipping seeds that give 10). */
export function validNhsNumber(seed: number): string {
  for (let s = seed; ; s++) {
    const nine = String(s).padStart(9, '0').slice(-9);
    const check = nhsNumberCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

/**
 * HZ-10: what a nurse's page shows of an alert, as an acknowledgement, snooze or resolution carries it
 * (`seen`): the api refuses the action when the alert has worsened or asked for attention again since.
 */
export function seenOf(a: Pick<AlertRecord, 'severity' | 'attentionSince'>): {
  severity: AlertSeverity;
  attentionSince: string;
} {
  return { severity: a.severity, attentionSince: a.attentionSince.toISOString() };
}

export interface SeededUser {
  id: string;
  username: string;
  role: UserRole;
}

export interface Harness {
  app: NestExpressApplication;
  url: string;
  origin: string;
  dataSource: DataSource;
  db: SqlDatabase;
  stream: InProcessStream;
  /** Everything published to `vitals.observations` (a test consumer group; in-process a publish waits for one). */
  observed: VitalsStreamEvent[];
  wardA: string;
  wardB: string;
  patientA: string;
  patientB: string;
  users: Record<'nurseA' | 'nurseB' | 'clinicianA' | 'coordinator' | 'admin', SeededUser>;
  /** Opens an alert directly in storage (as the scorer would). */
  openAlert(patientId: string, wardId: string, rule?: RuleId, severity?: AlertSeverity): Promise<AlertRecord>;
  close(): Promise<void>;
}

export const TEST_ORIGIN = 'http://console.test';

export async function startHarness(overrides: Partial<ApiModuleOptions> = {}): Promise<Harness> {
  const database: TestDatabase = await createTestDatabase('vigil_api');
  const dataSource = await openDatabase({ url: database.url, poolSize: 5 });
  const stream = new InProcessStream({ partitions: 2 });
  const observed: VitalsStreamEvent[] = [];
  await stream.subscribe<VitalsStreamEvent>({
    topic: streamTopics.observations,
    groupId: 'test-capture',
    decode: (v) => vitalsStreamEventSchema.parse(v),
    handle: async (batch) => {
      for (const r of batch.records) observed.push(r.value);
    },
  });
  const db = new SqlDatabase(dataSource);
  const patients = new PatientsRepository(dataSource);
  const usersRepo = new UsersRepository(dataSource);

  const wardA = (await patients.createWard('Ward A')).id;
  const wardB = (await patients.createWard('Ward B')).id;
  const patientA = (
    await patients.admit({
      nhsNumber: validNhsNumber(943476591),
      givenName: 'Ada',
      familyName: 'Able',
      wardId: wardA,
    })
  ).id;
  const patientB = (
    await patients.admit({
      nhsNumber: validNhsNumber(123456780),
      givenName: 'Bea',
      familyName: 'Baker',
      wardId: wardB,
    })
  ).id;
  const seed = async (username: string, role: UserRole, wardIds: string[]): Promise<SeededUser> => {
    const u = await usersRepo.create({ username, displayName: username, role, wardIds, password: PASSWORD });
    return { id: u.id, username, role };
  };
  const users = {
    nurseA: await seed('nurse.a', 'nurse', [wardA]),
    nurseB: await seed('nurse.b', 'nurse', [wardB]),
    clinicianA: await seed('clinician.a', 'clinician', [wardA]),
    coordinator: await seed('coordinator', 'coordinator', []),
    admin: await seed('admin', 'admin', []),
  };

  const options: ApiModuleOptions = {
    allowedOrigins: [TEST_ORIGIN],
    cookieSecure: false,
    instanceId: `test-${database.name}`,
    loginThrottle: { limit: 1000, ttlMs: 60_000 },
    logLevel: 'silent',
    ...overrides,
  };

  @Module({ imports: [TestInfraModule.with(dataSource, stream), ApiModule.register(options)] })
  class RootModule {}

  const app = await NestFactory.create<NestExpressApplication>(RootModule, { logger: false });
  await configureApiApp(app, options);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const alerts = new AlertsRepository();

  return {
    app,
    url: `http://127.0.0.1:${port}`,
    origin: TEST_ORIGIN,
    dataSource,
    db,
    stream,
    observed,
    wardA,
    wardB,
    patientA,
    patientB,
    users,
    async openAlert(patientId, wardId, rule = 'deterioration', severity = 'medium') {
      const at = new Date();
      const record = newAlertRecord({
        patientId,
        wardId,
        ruleId: rule,
        ruleVersion: 1,
        subject: '',
        kind: 'clinical',
        severity,
        reason: 'NEWS2 5 (medium): urgent response',
        band: 'medium',
        news2Total: 5,
        partial: false,
        triggeringParameters: ['spo2'],
        lastObservationAt: at,
        at,
      });
      await db.transaction((tx) => alerts.save(tx, [record]));
      return record;
    },
    async close() {
      await app.close();
      await stream.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}
