import { InProcessStream, type StreamJournal } from './in-process/in-process-stream';
import type { RetryOptions } from './internal/backoff';
import { KafkaStream, type KafkaStreamOptions } from './kafka/kafka-stream';
import type { StreamErrorHandler, StreamPort } from './stream.port';

/** What a service knows about its stream at boot (usually from `KAFKA_BROKERS`). */
export interface StreamConfig {
  /** Kafka bootstrap brokers; none (or an empty list) means the in-process adapter (embedded mode). */
  kafkaBrokers?: readonly string[];
  /** Kafka client id (default `vigil`). */
  clientId?: string;
  /** Partitions per topic: in-process always; Kafka for the topics it creates (default 8). */
  partitions?: number;
  /** Replication factor of the Kafka topics it creates (default: the broker's default). */
  replicationFactor?: number;
  /** In-process only: records retained per partition before publishers wait (default 1000). */
  partitionCapacity?: number;
  /** Redelivery backoff after a failed batch. */
  retry?: RetryOptions;
  /** Reporter for consumer errors (default: a JSON warning on stdout). */
  onError?: StreamErrorHandler;
  /** In-process only: the durable journal of some topics (call `recover()` on the stream before use). */
  journal?: StreamJournal;
  /** Further Kafka adapter settings (ssl, sasl, session timeout, …). */
  kafka?: Omit<
    KafkaStreamOptions,
    'brokers' | 'clientId' | 'partitions' | 'replicationFactor' | 'retry' | 'onError'
  >;
}

/**
 * Builds the stream adapter for this process: Kafka when brokers are configured (distributed mode), the
 * in-process adapter otherwise (embedded mode). Nothing connects until the stream is first used.
 */
export function createStream(config: StreamConfig = {}): StreamPort {
  const brokers = [...(config.kafkaBrokers ?? [])];
  if (brokers.length > 0) {
    return new KafkaStream({
      ...config.kafka,
      brokers,
      clientId: config.clientId,
      partitions: config.partitions,
      replicationFactor: config.replicationFactor,
      retry: config.retry,
      onError: config.onError,
    });
  }
  return new InProcessStream({
    partitions: config.partitions,
    partitionCapacity: config.partitionCapacity,
    retry: config.retry,
    onError: config.onError,
    journal: config.journal,
  });
}

/**
 * Parses a broker list as `KAFKA_BROKERS` carries it: `host:port` entries separated by commas (spaces allowed).
 * Unset or blank gives an empty list (embedded mode). An entry without a port is rejected.
 */
export function parseKafkaBrokers(value: string | undefined): string[] {
  const brokers = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(broker)) {
      throw new RangeError(`Invalid Kafka broker "${broker}": expected host:port`);
    }
  }
  return brokers;
}
