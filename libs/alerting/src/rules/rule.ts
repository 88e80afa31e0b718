import type { News2Result } from '@vigil/clinical';
import {
  type AlertKind,
  type AlertReason,
  type AlertSeverity,
  type CanonicalObservation,
  PARAMETER_DEFINITIONS,
  type Parameter,
  type RuleId,
} from '@vigil/contracts';
import type { ClinicalState, CurrentScore } from '../clinical-state';
import type { PatientContext } from '../patient-context';

/** A rule as data: which alert it raises, its version (stored on every alert) and where it comes from. */
export interface RuleDefinition {
  id: RuleId;
  /** Bump when the rule could fire differently for the same input. */
  version: number;
  kind: AlertKind;
  title: string;
  /** Clinical source, where there is one. */
  source: string | null;
  /** Whether an episode may close by itself once the condition has been clear long enough. */
  autoResolve: boolean;
  /**
   * Whether every firing is a new event that needs a person (a fall): it reopens an episode that was
   * acknowledged, escalated or snoozed, and restarts its escalation (R2).
   */
  eachFiringIsNew?: boolean;
}

/** The condition holds: open or update the episode of (patient, rule, subject). */
export interface ActiveFinding {
  active: true;
  rule: RuleDefinition;
  subject: string;
  severity: AlertSeverity;
  reason: string;
  /** The rules behind it (several for the one clinical alert per patient); default: this rule alone. */
  reasons?: AlertReason[];
  band: News2Result['band'] | null;
  news2Total: number | null;
  partial: boolean;
  triggeringParameters: Parameter[];
  /** Event time of the reading(s) behind the finding; for a timer's finding about readings that did not come, the tick. */
  at: Date;
  /**
   * A timer's finding about readings that did not come (overdue reading, device offline, pipeline stalled): the
   * newest reading it waits since, null when there is none (or none the rule can know). It becomes the alert's
   * `lastObservationAt`, which is shown as the alert's "last reading": the tick (`at`) would show a patient
   * silent for hours as "just now". Absent on findings about readings that came: `at` is that reading's time.
   */
  lastReadingAt?: Date | null;
}

/** The condition is known to be clear at `at` (one more "clear reading" for hysteresis). */
export interface ClearFinding {
  active: false;
  rule: RuleDefinition;
  subject: string;
  at: Date;
}

export type Finding = ActiveFinding | ClearFinding;

/** What a clinical rule sees after one event-time group of new (non-retrospective) readings. */
export interface ReadingContext {
  patient: PatientContext;
  /** Event time of the new readings. */
  at: Date;
  /** The new readings at `at`. */
  readings: readonly CanonicalObservation[];
  /** The patient's state after them (event time). */
  state: ClinicalState;
  /** The patient's current NEWS2 from that state; null when no NEWS2 parameter is current. */
  score: CurrentScore | null;
  /** The patient's freshness window (R7), the same one the score used. */
  freshnessMinutes: number;
}

export const RCP_NEWS2_2017 =
  'Royal College of Physicians. National Early Warning Score (NEWS) 2. London: RCP, 2017 (charts 1 and 2).';

/** NEWS2 sub-score keys → the parameter names alerts carry. */
export const NEWS2_PARAMETER: Readonly<Record<keyof News2Result['perParameter'], Parameter>> = {
  respiratoryRate: 'respiratoryRate',
  spo2: 'spo2',
  airOrOxygen: 'inspiredOxygen',
  systolicBp: 'systolicBp',
  pulse: 'heartRate',
  consciousness: 'consciousness',
  temperature: 'temperature',
};

/** `scoreNews2`'s `missing` names input fields; a nurse reads the parameters' display names. */
const NEWS2_INPUT_PARAMETER: Readonly<Record<string, Parameter>> = {
  respiratoryRate: 'respiratoryRate',
  spo2: 'spo2',
  onOxygen: 'inspiredOxygen',
  systolicBp: 'systolicBp',
  pulse: 'heartRate',
  consciousness: 'consciousness',
  temperatureC: 'temperature',
};

export function partialNote(score: News2Result): string {
  if (!score.partial) return '';
  const names = score.missing.map((field) => {
    const parameter = NEWS2_INPUT_PARAMETER[field];
    return parameter ? PARAMETER_DEFINITIONS[parameter].display : field;
  });
  return ` Partial score: not recorded ${names.join(', ')}; the true score may be higher.`;
}

/** N1: how a score's air-or-oxygen was known, for the reason text. */
export function oxygenNote(score: CurrentScore): string {
  if (score.lowest) {
    return ` Air or oxygen unknown: NEWS2 is ${score.lowest.total}–${score.result.total}; alerting uses ${score.result.total}.`;
  }
  return score.oxygenSource === 'prescription' ? ' Air or oxygen from the oxygen prescription.' : '';
}

/** A single-rule finding's one reason. */
export function reasonOf(
  rule: RuleDefinition,
  severity: AlertSeverity,
  text: string,
  triggeringParameters: Parameter[],
): AlertReason {
  return { ruleId: rule.id, ruleVersion: rule.version, severity, text, triggeringParameters };
}
