export {
  IngestService,
  type IngestStores,
  type IngestOutcome,
  type IngestCounters,
  type StreamPublisher,
} from './ingest.service';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker';
export { connectMqttIngest, type MqttIngestClient, type MqttIngestOptions } from './mqtt-ingest.client';
export { createIngestStores } from './ingest.stores';
