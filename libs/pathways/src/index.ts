export {
  ESCALATION_TIERS,
  TIER_LABELS,
  DEFAULT_ESCALATION_LADDER,
  EscalationError,
  validateLadder,
  startingTier,
  nextTier,
  targetOf,
  tierStatus,
  reEscalation,
  type EscalationTier,
  type TierTarget,
  type TierStatus,
} from './escalation';
export {
  ALERT_OUTCOMES,
  ALERT_OUTCOME_LABELS,
  DISCHARGE_OUTCOMES,
  DISCHARGE_OUTCOME_LABELS,
  DEVICE_RETURN_STATUSES,
  CEILING_FOCUS,
  CEILING_LABELS,
  ceilingAdvice,
  type AlertOutcome,
  type DischargeOutcome,
  type DeviceReturnStatus,
  type CeilingFocus,
  type TreatmentCeiling,
} from './outcomes';
export {
  PATHWAY_IDS,
  PATHWAY_TEMPLATES,
  RCP_NEWS2,
  templateOf,
  type PathwayId,
  type PathwayTemplate,
  type ParameterSchedule,
  type TemplateThreshold,
  type WeightGainRule,
  type Tightening,
  type DischargeCriteria,
} from './templates';
export {
  PlanError,
  applyTemplate,
  validatePlan,
  tailorPlan,
  monitoringOf,
  type MonitoringPlan,
  type PlanTailoring,
  type PlanChange,
  type PlanMonitoring,
} from './plan';
export {
  NEWS2_SCHEDULED_PARAMETERS,
  isTightened,
  effectiveSchedules,
  readingSchedule,
  overdueParameters,
  type ScheduleEntry,
  type TighteningRule,
  type LatestNews2,
  type ReadingStatus,
  type ScheduledReading,
} from './schedule';
export { dischargeReadiness, type ScoreForDischarge, type DischargeReadiness } from './discharge';
export { readingReminders, reminderId, type ReminderDevice, type ReadingReminder } from './reminders';
export {
  SAFE_THRESHOLD_BOUNDS,
  SAFE_THRESHOLD_SOURCE,
  thresholdBoundsProblem,
  type ThresholdBounds,
} from './threshold-bounds';
