export { createStream, parseKafkaBrokers, type StreamConfig } from './create-stream';
export {
  InProcessStream,
  type InProcessGroupStats,
  type InProcessPartitionStats,
  type InProcessStreamOptions,
  type InProcessTopicStats,
  type JournalRecord,
  type StreamJournal,
} from './in-process/in-process-stream';
export type { RetryOptions } from './internal/backoff';
export { consoleStreamErrorHandler } from './internal/report';
export {
  DEAD_LETTER_HEADERS,
  KafkaStream,
  type KafkaClient,
  type KafkaStreamOptions,
} from './kafka/kafka-stream';
export { kafkaLogCreator, type LevelLogger } from './kafka/kafka-log';
export {
  applyKafkaTopics,
  type ApplyKafkaTopicsOptions,
  type KafkaTopicReport,
  type KafkaTopicSpec,
} from './kafka/kafka-topics';
export { murmur2, partitionFor } from './partitioner';
export {
  StreamClosedError,
  type ConsumerHealth,
  type DeadLetterOptions,
  type StreamHealth,
  type ConsumedBatch,
  type ConsumedRecord,
  type StreamErrorContext,
  type StreamErrorHandler,
  type StreamErrorPhase,
  type StreamHeaders,
  type StreamPort,
  type StreamRecord,
  type SubscribeOptions,
  type Subscription,
} from './stream.port';
