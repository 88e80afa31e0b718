export {
  ScorerService,
  DEFAULT_SCORER_CONFIG,
  type ScorerConfig,
  type ScorerServiceOptions,
  type AlertsPublisher,
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
  streamAlertsPublisher,
  SCORER_GROUP_ID,
  SCORER_MAX_ATTEMPTS,
} from './scorer.consumer';
export { EpisodeBook, type HysteresisPolicy } from './episodes';
export { news2InputAt, toNews2Score, NEWS2_PARAMETERS } from './patient-state';
export {
  type RuleDefinition,
  type Finding,
  type ActiveFinding,
  type ClearFinding,
  type ReadingContext,
} from './rules/rule';
export { NEWS2_BAND_RULE, evaluateNews2Band } from './rules/news2-band.rule';
export { NEWS2_RED_SCORE_RULE, evaluateNews2RedScore } from './rules/news2-red-score.rule';
export { PERSONAL_THRESHOLD_RULE, evaluatePersonalThresholds } from './rules/personal-threshold.rule';
export { FALL_RULE, evaluateFall } from './rules/fall.rule';
export { OVERDUE_READING_RULE, evaluateOverdueReading } from './rules/overdue-reading.rule';
export { DEVICE_OFFLINE_RULE, evaluateDeviceOffline } from './rules/device-offline.rule';
export { BATTERY_LOW_RULE, evaluateBatteryLow } from './rules/battery-low.rule';
export {
  PIPELINE_STALLED_RULE,
  PIPELINE_SUBJECT,
  PIPELINE_HYSTERESIS,
  evaluatePipelineStalled,
} from './rules/pipeline-stalled.rule';
