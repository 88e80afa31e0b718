import { Counter, Gauge, type Registry } from 'prom-client';
import type { IngestCounters } from './ingest.service';

/** What the metrics read at scrape time: ingest's counters and the state of its MQTT link. */
export interface IngestMetricsSource {
  counters: IngestCounters;
  /** Null with the embedded broker (ingest runs inside it: there is no link to lose). */
  mqtt(): { connected: boolean; connects: number; subscriptionFailures: number } | null;
  /** What the embedded broker refused, by kind (null in the distributed mode). */
  brokerRefusals?(): Readonly<Record<string, number>> | null;
  /** The in-memory device directory: devices held, hits, loads, invalidations, full reloads. */
  directory?(): { devices: number; hits: number; loads: number; invalidations: number; reloads: number };
  /** Dead-letter group commit: flushes and rows. */
  deadLetterWrites?(): { flushes: number; items: number; failures: number };
  /** Messages whose PUBACK waits for their durable publish now. */
  pendingAcks?(): number;
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
  counter(
    'vigil_ingest_seq_reused_total',
    'Messages under a (device, seq) seen lately with different content (a counter reset): stored under ids of their own, flagged seqReused',
    () => source.counters.seqReused,
  );
  new Gauge({
    name: 'vigil_ingest_pending_acks',
    help: 'MQTT messages in ingest whose PUBACK waits for the durable publish',
    registers: [registry],
    collect() {
      this.set(source.pendingAcks?.() ?? 0);
    },
  });
  new Gauge({
    name: 'vigil_ingest_directory_devices',
    help: 'Devices held in the in-memory device directory',
    registers: [registry],
    collect() {
      this.set(source.directory?.().devices ?? 0);
    },
  });
  counter(
    'vigil_ingest_directory_loads_total',
    'Device directory reads from the database (misses, invalidated devices, unbound checks)',
    () => source.directory?.().loads ?? 0,
  );
  counter(
    'vigil_ingest_directory_invalidations_total',
    'Registry change notifications received',
    () => source.directory?.().invalidations ?? 0,
  );
  counter(
    'vigil_ingest_dead_letter_flushes_total',
    'Dead-letter group commits (one transaction each)',
    () => source.deadLetterWrites?.().flushes ?? 0,
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
