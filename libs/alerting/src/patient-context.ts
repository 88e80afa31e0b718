/** A personalised threshold set by a clinician, e.g. SpO2 below 88 for a COPD patient. */
export interface PersonalThreshold {
  parameter: string;
  /** Alert when the value is below `below` or above `above`. */
  below?: number;
  above?: number;
  setBy: string;
  setAt: string;
  note?: string;
}

/** Which parameters a patient must send and how often (overdue-reading rule), and their freshness window. */
export interface MonitoringSchedule {
  requiredParameters?: string[];
  intervalMinutes?: number;
  graceMinutes?: number;
  /** How long a reading counts as current for scoring and display (R7; default in `policy.ts`). */
  freshnessMinutes?: number;
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
}
