import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this api instance. Labels are route templates, methods, statuses, actions and
 * roles: never ids, names or NHS numbers.
 */
@Injectable()
export class MetricsService {
  /** One registry per app instance (tests start several apps in one process). */
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'vigil_api_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'vigil_api_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly alertActions = new Counter({
    name: 'vigil_api_alert_actions_total',
    help: 'Alert actions taken by users, by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'vigil_api_logins_total',
    help: 'Sign-in attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly sockets = new Gauge({
    name: 'vigil_api_sockets_connected',
    help: 'socket.io connections open on this instance',
    registers: [this.registry],
  });
  readonly socketRefusals = new Counter({
    name: 'vigil_api_socket_refusals_total',
    help: 'socket.io handshakes refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly streamEvents = new Counter({
    name: 'vigil_api_stream_events_total',
    help: 'alerts.events records pushed to sockets, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_api_' });
  }
}
