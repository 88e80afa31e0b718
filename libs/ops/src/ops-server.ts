import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, type Registry } from 'prom-client';

/** One readiness check: up or down, with details that say nothing about patients. */
export interface OpsCheck {
  name: string;
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

export interface OpsServerOptions {
  host?: string;
  /** 0 = any free port (the one bound is returned). */
  port: number;
  checks: readonly OpsCheck[];
  /** Served at /metrics in Prometheus' text format. */
  registry: Registry;
  /** A check slower than this counts as down (default 2 000 ms). */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** The body of /health, shaped like the api's (NestJS terminus): `status`, `info` (up) and `error` (down). */
export interface HealthReport {
  status: 'ok' | 'error';
  info: Record<string, Record<string, unknown>>;
  error: Record<string, Record<string, unknown>>;
}

/** Runs every check (each bounded by a timeout) and folds them into one report. */
export async function runChecks(checks: readonly OpsCheck[], timeoutMs = 2_000): Promise<HealthReport> {
  const report: HealthReport = { status: 'ok', info: {}, error: {} };
  await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          c.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        if (result.up) report.info[c.name] = { status: 'up', ...result.details };
        else report.error[c.name] = { status: 'down', ...result.details };
      } catch (error) {
        report.error[c.name] = {
          status: 'down',
          message: error instanceof Error ? error.message : String(error),
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  if (Object.keys(report.error).length > 0) report.status = 'error';
  return report;
}

/**
 * The operations endpoint of a service without its own HTTP server (ingest, scorer in the distributed mode):
 * `GET /health` (200 when every check is up, 503 otherwise) and `GET /metrics`. Nothing else is served.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/health') {
      runChecks(options.checks, options.checkTimeoutMs).then(
        (report) => {
          res
            .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify(report));
        },
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The part of a stream's health these metrics read (`StreamPort.health()` fits). */
export interface StreamHealthSource {
  health(): {
    consumers: readonly {
      topic: string;
      groupId: string;
      state: string;
      deadLettered: number;
      lag: number;
      oldestPendingAgeMs: number;
      lastBatchSize: number;
      assignedPartitions?: number;
    }[];
  };
}

/**
 * Stream consumer metrics read at scrape time: lag, age of the oldest record not yet handled (for the scorer,
 * the oldest unscored reading), last batch size, dead-lettered records and whether each consumer is up.
 * Labels are topic and group, never a patient or device.
 */
export function registerStreamMetrics(registry: Registry, stream: StreamHealthSource): void {
  const gauge = (
    name: string,
    help: string,
    read: (c: ReturnType<StreamHealthSource['health']>['consumers'][number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'group'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const c of stream.health().consumers) this.set({ topic: c.topic, group: c.groupId }, read(c));
      },
    });
  gauge('vigil_stream_consumer_lag_records', 'Records behind the high watermark', (c) => c.lag);
  gauge(
    'vigil_stream_consumer_oldest_pending_seconds',
    'Age of the oldest record not yet handled (0 when caught up)',
    (c) => c.oldestPendingAgeMs / 1000,
  );
  gauge(
    'vigil_stream_consumer_last_batch_records',
    'Records in the last batch handled',
    (c) => c.lastBatchSize,
  );
  gauge(
    'vigil_stream_consumer_assigned_partitions',
    'Kafka: partitions the group assigned to this consumer at its last join (in-process: 0)',
    (c) => c.assignedPartitions ?? 0,
  );
  gauge(
    'vigil_stream_dead_lettered_records',
    'Records moved to the dead-letter topic since start',
    (c) => c.deadLettered,
  );
  gauge(
    'vigil_stream_consumer_up',
    '1 while the consumer runs or rebalances, 0 when crashed or closed',
    (c) => (c.state === 'running' || c.state === 'rebalancing' || c.state === 'starting' ? 1 : 0),
  );
}
