export {
  DEFAULT_FRESHNESS_MINUTES,
  DEFAULT_ALERTING_POLICY,
  alertingPolicy,
  freshnessMinutes,
  isFresh,
  type AlertingPolicy,
  type AlertingPolicyOverrides,
  type HysteresisPolicy,
} from './policy';
export {
  type PatientContext,
  type PersonalThreshold,
  type MonitoringSchedule,
  type OxygenPrescription,
  type BoundDevice,
} from './patient-context';
export {
  newAlertRecord,
  toAlertSummary,
  alertEvent,
  isSnoozed,
  changedFields,
  type AlertRecord,
  type AlertAuditEntry,
  type AlertChanges,
  type NewAlertFields,
} from './alert-record';
export {
  NEWS2_PARAMETERS,
  EMPTY_STATE,
  applyReadings,
  currentScore,
  freshValues,
  heldValueOf,
  isRetrospective,
  scoreAt,
  stateTime,
  toNews2Score,
  type ClinicalState,
  type CurrentScore,
  type HeldValue,
  type OxygenSource,
} from './clinical-state';
export {
  CARE_HOME_DESTINATION,
  EpisodeBook,
  VIRTUAL_WARD_DESTINATION,
  worse,
  type EpisodePatient,
} from './episodes';
export {
  ALERT_ACTIONS,
  ROLES_FOR_ACTION,
  AlertActionError,
  allowedActions,
  applyAlertAction,
  maxSnoozeMinutes,
  type AlertAction,
  type AlertActionInput,
  type Actor,
} from './actions';
export { decideTimers, earliestTimerMinutes, tierActed } from './timers';
export {
  WEIGHT_GAIN_RULE,
  evaluateWeightGain,
  weightGainKg,
  type WeightPoint,
} from './rules/weight-gain.rule';
export {
  decideReadings,
  devicesSeen,
  retrospectiveIds,
  scoreEvents,
  splitBatch,
  type DeviceSeen,
  type ReadingsDecision,
  type ReadingsDecisionInput,
  type ScoreDecision,
  type VitalsBatch,
} from './decide';
export {
  RCP_NEWS2_2017,
  type RuleDefinition,
  type Finding,
  type ActiveFinding,
  type ClearFinding,
  type ReadingContext,
} from './rules/rule';
export {
  DETERIORATION_RULE,
  NEWS2_BAND_THRESHOLD,
  evaluateDeterioration,
  news2BandComponent,
  news2RedScoreComponent,
  personalThresholdComponents,
} from './rules/deterioration.rule';
export { FALL_RULE, evaluateFall } from './rules/fall.rule';
export {
  REPORTED_SYMPTOM_PARAMETERS,
  REPORTED_SYMPTOM_REASON,
  REPORTED_SYMPTOM_SEVERITY,
  REPORTED_SYMPTOM_SOURCE,
  reportedSymptomComponents,
} from './rules/reported-symptom';
export { IMPLAUSIBLE_READING_RULE, evaluateImplausibleReadings } from './rules/implausible-reading.rule';
export {
  OVERDUE_READING_RULE,
  evaluateOverdueReading,
  planReadingSchedule,
} from './rules/overdue-reading.rule';
export { decideReadingReminders } from './reminders';
export { DEVICE_OFFLINE_RULE, evaluateDeviceOffline } from './rules/device-offline.rule';
export { BATTERY_LOW_RULE, evaluateBatteryLow } from './rules/battery-low.rule';
export {
  PIPELINE_STALLED_RULE,
  PIPELINE_SUBJECT,
  PIPELINE_HYSTERESIS,
  evaluatePipelineStalled,
} from './rules/pipeline-stalled.rule';
export { dischargeBlockers } from './discharge';
