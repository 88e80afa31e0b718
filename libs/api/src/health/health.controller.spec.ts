import { ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { SqlDatabase } from '@vigil/storage';
import { API_STREAM } from '../api.options';
import { ConsoleReadsRepository } from '../read-model/console-reads.repository';
import { HEALTH_DATABASE_TIMEOUT_MS, HealthController } from './health.controller';

/** The health check with terminus for real and the database ping and stream as stand-ins. */
async function controllerWith(ping: () => Promise<void>): Promise<HealthController> {
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [
      { provide: SqlDatabase, useValue: {} },
      { provide: ConsoleReadsRepository, useValue: { ping } },
      {
        provide: API_STREAM,
        useValue: { health: () => ({ adapter: 'in-process', ok: true, consumers: [] }) },
      },
    ],
  }).compile();
  return moduleRef.get(HealthController);
}

describe('HealthController (HZ-14: a database fault shows on /health)', () => {
  it('is up when the database answers', async () => {
    const controller = await controllerWith(async () => undefined);
    await expect(controller.check()).resolves.toEqual(
      expect.objectContaining({
        status: 'ok',
        info: expect.objectContaining({ database: { status: 'up' } }),
      }),
    );
  });

  it('is down at once when the database refuses', async () => {
    const controller = await controllerWith(async () => {
      throw new Error('database "vigil" is not currently accepting connections');
    });
    const error = await controller.check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual(
      expect.objectContaining({
        error: expect.objectContaining({ database: { status: 'down', message: 'database unreachable' } }),
      }),
    );
  });

  it('HZ-14 answers down, instead of hanging, when the database does not answer in time (pool queued under overload)', async () => {
    const controller = await controllerWith(() => new Promise<void>(() => undefined));
    const started = Date.now();
    const error = await controller.check().catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(HEALTH_DATABASE_TIMEOUT_MS - 50);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual(
      expect.objectContaining({
        error: expect.objectContaining({
          database: {
            status: 'down',
            message: `database did not answer within ${HEALTH_DATABASE_TIMEOUT_MS} ms`,
          },
        }),
      }),
    );
  });
});
