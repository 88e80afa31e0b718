import { Counter, Gauge, type Registry } from 'prom-client';
import type { IngestCounters } from './ingest.service';

/** What the metrics read at scrape time: ingest's counters and the state of its MQTT link. */
export interface IngestMetricsSource {
  counters: IngestCounters;
  /** Null with the embedded broker (ingest runs inside it: there is no link to lose). */
  mqtt(): { connected: boolean; connects: number; subscriptionFailures: number } | null;
  /** What the embedded broker refused, by kind (null in the distributed mode). */
  brokerRefusals?(): Readonly<Record<string, number>> | null;
}

/**
 * Ingest's Prometheus metrics, read from its in-memory counters at scrape time (HZ-14: a broker restart,
 * a lost subscription or a flood of rejections must be visible). Labels are reasons, never device ids.
 */
export function registerIngestMetrics(registry: Registry, source: IngestMetricsSource): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('vigil_ingest_messages_total', 'MQTT messages handled by ingest', () => source.counters.messages);
  counter(
    'vigil_ingest_observations_total',
    'Observations published to the stream',
    () => source.counters.accepted,
  );
  counter(
    'vigil_ingest_duplicates_total',
    'Redelivered messages recognised by (device, seq)',
    () => source.counters.duplicates,
  );
  counter('vigil_ingest_statuses_total', 'Device status messages handled', () => source.counters.statuses);
  new Counter({
    name: 'vigil_ingest_rejections_total',
    help: 'Rejections written to the dead-letter store, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(source.counters.rejectionsByReason))
        this.inc({ reason }, n ?? 0);
    },
  });
  new Counter({
    name: 'vigil_broker_refusals_total',
    help: 'What the embedded MQTT broker refused, by kind: failed or throttled sign-ins, topic-ACL refusals, oversize packets, connections over the limit, CONNECT timeouts',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(source.brokerRefusals?.() ?? {})) this.inc({ kind }, n);
    },
  });
  new Gauge({
    name: 'vigil_ingest_mqtt_connected',
    help: '1 while ingest is connected to an external MQTT broker, 0 when not (absent with the embedded broker)',
    registers: [registry],
    collect() {
      const mqtt = source.mqtt();
      if (mqtt) this.set(mqtt.connected ? 1 : 0);
    },
  });
  counter(
    'vigil_ingest_mqtt_connects_total',
    'Connections (first and reconnections) to the external MQTT broker',
    () => source.mqtt()?.connects ?? 0,
  );
  counter(
    'vigil_ingest_mqtt_subscription_failures_total',
    'Subscriptions the broker refused or that failed',
    () => source.mqtt()?.subscriptionFailures ?? 0,
  );
}
