export {
  IngestService,
  type IngestStores,
  type IngestOutcome,
  type IngestCounters,
  type StreamPublisher,
} from './ingest.service';
export {
  type BrokerLimits,
  startEmbeddedBroker,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  type RefusalKind,
} from './embedded-broker';
export { connectMqttIngest, type MqttIngestClient, type MqttIngestOptions } from './mqtt-ingest.client';
export { createIngestStores } from './ingest.stores';
export {
  IngestModule,
  IngestRunner,
  INGEST_DATABASE,
  INGEST_STREAM,
  INGEST_OPTIONS,
  type IngestModuleOptions,
  type IngestBrokerOptions,
} from './ingest.module';
export {
  startPipelineHeartbeat,
  type PipelineHeartbeat,
  type PipelineHeartbeatOptions,
} from './pipeline-heartbeat';
export {
  subscribeDeviceCommands,
  DEVICE_COMMANDS_GROUP_ID,
  type DeviceCommandsOptions,
} from './device-commands';
