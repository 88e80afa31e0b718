import { createServer } from 'node:net';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openDatabase } from '@vigil/storage';
import { InProcessStream } from '@vigil/stream';
import { createTestDatabase, type TestDatabase } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { API_DATABASE, API_STREAM, ApiModule, type ApiModuleOptions, configureApiApp } from '../../src/index';

@Global()
@Module({})
class InfraModule {
  static with(dataSource: DataSource, stream: InProcessStream): DynamicModule {
    return {
      module: InfraModule,
      global: true,
      providers: [
        { provide: API_DATABASE, useValue: dataSource },
        { provide: API_STREAM, useValue: stream },
      ],
      exports: [API_DATABASE, API_STREAM],
    };
  }
}

/** A local port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('configureApiApp with Redis', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let stream: InProcessStream;
  let app: NestExpressApplication | null = null;

  beforeAll(async () => {
    database = await createTestDatabase('vigil_api_redis');
    dataSource = await openDatabase({ url: database.url, poolSize: 2 });
    stream = new InProcessStream({ partitions: 1 });
  });
  afterAll(async () => {
    await app?.close();
    await stream?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('fails the start when Redis cannot be reached, rather than hanging it for ever', async () => {
    const options: ApiModuleOptions = {
      allowedOrigins: ['http://console.test'],
      cookieSecure: false,
      instanceId: `test-${database.name}`,
      logLevel: 'silent',
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
    };
    @Module({ imports: [InfraModule.with(dataSource, stream), ApiModule.register(options)] })
    class RootModule {}
    app = await NestFactory.create<NestExpressApplication>(RootModule, { logger: false });
    await expect(configureApiApp(app, options)).rejects.toThrow(/ECONNREFUSED/);
  });
});
