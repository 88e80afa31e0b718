import type { DeviceKindValue } from '@vigil/contracts';
import type { LatestNews2, ScheduleEntry, TierTarget, TighteningRule } from '@vigil/pathways';

/** A personalised threshold set by a clinician, e.g. SpO2 below 88 for a COPD patient. */
export interface PersonalThreshold {
  parameter: string;
  /** Alert when the value is below `below` or above `above`. */
  below?: number;
  above?: number;
  /** User id of the clinician who set it (for the audit trail). */
  setBy: string;
  /**
   * That clinician's name as it was when they set it, for alert texts a nurse reads (a user id means nothing on
   * the triage queue). Absent on thresholds set before it was recorded.
   */
  setByName?: string;
  setAt: string;
  note?: string;
}

/**
 * Which parameters a patient must send and how often (overdue-reading rule), and their freshness window.
 * A monitoring plan (libs/pathways, issue 13) adds per-parameter schedules, NEWS2 tightening, trend rules
 * and an escalation ladder; without them the one-interval fields apply as before.
 */
export interface MonitoringSchedule {
  requiredParameters?: string[];
  intervalMinutes?: number;
  graceMinutes?: number;
  /** How long a reading counts as current for scoring and display (R7; default in `policy.ts`). */
  freshnessMinutes?: number;
  /** Per-parameter schedules of the patient's plan; when present they replace the one interval. */
  parameterSchedules?: ScheduleEntry[];
  /** RCP NEWS2: at least hourly when NEWS2 reaches the threshold; relaxes when it falls back. */
  tightening?: TighteningRule | null;
  /** Heart failure: alert on a weight gain of `gainKg` or more within `windowHours`. */
  weightGain?: { gainKg: number; windowHours: number }[];
  /** The plan's escalation ladder; alerts opened under it carry a copy (tiered escalation). */
  escalation?: TierTarget[];
}

/**
 * N1: the patient's recorded oxygen prescription, set by a clinician with a reason (audited). Scoring
 * uses it for NEWS2's air-or-oxygen unless a newer air-or-oxygen reading says otherwise.
 */
export interface OxygenPrescription {
  onOxygen: boolean;
  reason: string;
  setBy: string;
  /** ISO instant. */
  setAt: string;
}

/** What alerting needs to know about a patient. */
export interface PatientContext {
  patientId: string;
  wardId: string;
  spo2Scale: 1 | 2;
  pathway: string;
  thresholds: PersonalThreshold[];
  monitoring: MonitoringSchedule;
  oxygenPrescription: OxygenPrescription | null;
  admittedAt: Date;
  dischargedAt: Date | null;
  /** The latest NEWS2 (for schedule tightening); loaded by the timers, absent elsewhere. */
  latestNews2?: LatestNews2 | null;
  /** Body weights of the trend window before this batch, oldest first; loaded when a plan has a weight rule. */
  weightHistory?: { value: number; measuredAt: Date }[];
  /** Issue 14: the care home the patient lives in, whose staff see their falls first; absent or null: none. */
  careHomeId?: string | null;
}

/** A device bound now to an admitted patient, with when it was last heard from (platform receipt time, R4). */
export interface BoundDevice {
  deviceId: string;
  patientId: string;
  wardId: string;
  lastSeenAt: Date | null;
  boundFrom: Date;
  /** What kind of device it is (which parameters it measures: reading reminders, issue 13). */
  kind?: DeviceKindValue;
}
