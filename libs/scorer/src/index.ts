export {
  ScorerService,
  DEFAULT_SCORER_CONFIG,
  OUTBOX_GRACE_MS,
  type ScorerConfig,
  type ScorerServiceOptions,
  type AlertsPublisher,
  type DeviceCommandsPublisher,
} from './scorer.service';
export {
  ScorerModule,
  ScorerRunner,
  SCORER_DATABASE,
  SCORER_STREAM,
  SCORER_OPTIONS,
  type ScorerModuleOptions,
} from './scorer.module';
export {
  isInfrastructureError,
  subscribeScorer,
  subscribeScorerDeadLetters,
  unprocessableDeadLetter,
  type DeadLetterStore,
  SCORER_DEAD_LETTERS_GROUP_ID,
  streamAlertsPublisher,
  streamDeviceCommandsPublisher,
  SCORER_GROUP_ID,
  SCORER_MAX_ATTEMPTS,
} from './scorer.consumer';
