import type { AlertSeverity } from '@vigil/contracts';

/**
 * Hysteresis: an episode closes by itself only after its condition has been clear for `clearMinutes`
 * of event time AND over `clearReadings` consecutive clear findings. A re-raise before then re-uses the
 * episode silently, so a signal chattering at a cut-off gives one alert, not a storm (HZ-09).
 */
export interface HysteresisPolicy {
  clearMinutes: number;
  clearReadings: number;
}

/**
 * R7: the one freshness window. A value counts towards the patient's current state (and is shown as
 * current in the console) for this long after it was measured, unless the patient's monitoring plan sets
 * its own window. 12 hours is the RCP's minimum observation frequency for a NEWS2 of 0 (RCP NEWS2 2017,
 * chart 3): a reading older than the longest interval any schedule allows is no longer the patient's state.
 */
export const DEFAULT_FRESHNESS_MINUTES = 12 * 60;

/** The freshness window of one patient: its plan's, else the configured default, else the default (R7). */
export function freshnessMinutes(
  monitoring: { freshnessMinutes?: number } | null | undefined,
  fallback: number = DEFAULT_FRESHNESS_MINUTES,
): number {
  const own = monitoring?.freshnessMinutes;
  return typeof own === 'number' && own > 0 ? own : fallback;
}

/** Whether a value measured at `measuredAt` is still current at `at` under a window (R7). */
export function isFresh(measuredAt: Date, at: Date, windowMinutes: number): boolean {
  const age = at.getTime() - measuredAt.getTime();
  return age >= 0 && age < windowMinutes * 60_000;
}

/**
 * R7 on arrival (HZ-06, HZ-07): the decision on a batch is taken at `now`, the wall-clock time the scorer
 * decides (the readings' arrival), never at the state's own newest `measuredAt`. A backlog from a
 * store-and-forward device can arrive hours late; "the newest reading we hold" is then not the patient now.
 *
 * - A reading measured `windowMinutes` or longer before `now` is **stale on arrival**. It is stored, held in
 *   the event-time state (it may be the newest of its parameter), charted, flagged retrospective and scored
 *   for the record (retrospective NEWS2, like R11's late readings) — but it opens, worsens and clears no
 *   clinical alert. NEWS2 is a track-and-trigger tool whose responses (urgent or emergency
 *   assessment, observation frequency) answer the patient's current observations, and 12 hours is the longest
 *   interval it allows between observation sets (RCP NEWS2 2017, clinical response to the trigger
 *   thresholds): a set older than that does not say how the patient is now, and the response it calls for is
 *   a new set of observations (which the overdue-reading rule asks for when a scheduled reading is missing).
 *   Exceptions: a **fall** is an event nobody has answered however late it arrives (SPEC §4: a fall alerts
 *   at once, highest priority): it alerts, and its reason says how late it is; a **weight gain** is a trend
 *   judged over the plan's own window of days in event time (issue 13): a late weight may complete it, never
 *   clear it.
 * - Not paged is not hidden: when a stale backlog would have raised or worsened a clinical alert, the patient's
 *   unresolved alert (the clinical one, else the newest other one — usually the overdue-reading or
 *   device-offline alert the same silence raised) gets a `late-data-not-paged` audit row saying what the
 *   backlog showed, when it was measured and how late it came. A separate "review backlog" alert was
 *   rejected: every alert, technical ones too, escalates on a timer (R13), so it would page in the end on data
 *   nobody can act on as current, beside the alert that already asks for fresh observations.
 * - A reading still within the window is current and pages as any other, on the values still fresh at
 *   `now` (a value fresh at the new reading's own time but stale by now is left out, partial, never 0:
 *   HZ-08); when it is more than {@link LATE_NOTE_MINUTES} old on arrival (a Bluetooth sync delayed
 *   30 minutes) the alert's reason says when it was measured and how late it came.
 */
export function isStaleOnArrival(measuredAt: Date, now: Date, windowMinutes: number): boolean {
  return now.getTime() - measuredAt.getTime() >= windowMinutes * 60_000;
}

/**
 * R7 on arrival: a reading this many minutes old when it arrives has its age said in the alert's reason.
 * Five minutes is the clock-skew tolerance ingest allows (SPEC §3); a reading sent at once arrives within
 * seconds.
 */
export const LATE_NOTE_MINUTES = 5;

/** Every tunable of alerting, each with a safe default. */
export interface AlertingPolicy {
  /** Default freshness window (a patient's plan may set its own). */
  freshnessMinutes: number;
  hysteresis: HysteresisPolicy;
  /**
   * Minutes an alert may wait for a person (open, not acknowledged) before it escalates to the CCC, per
   * severity. Overdue-reading (`low`) and technical alerts escalate too (R13).
   */
  escalationMinutes: Readonly<Record<AlertSeverity, number>>;
  /**
   * R5: minutes after an acknowledgement when an alert whose cause persists asks for attention again
   * (back to open, announced, and its escalation clock restarts). SPEC §4: every acknowledged alert whose
   * cause persists re-prompts, overdue-reading (`low`) and technical ones too: an acknowledgement never
   * silences a persisting cause for longer than the longest snooze of its severity (R3). Severities not
   * listed never re-prompt.
   */
  repromptMinutes: Readonly<Partial<Record<AlertSeverity, number>>>;
  /**
   * R3: the longest snooze per severity. Severities not listed (falls: critical; NEWS2 ≥ 7: high)
   * cannot be snoozed.
   */
  maxSnoozeMinutes: Readonly<Partial<Record<AlertSeverity, number>>>;
  /** R6: severities the CCC sees the moment they open (falls and NEWS2 ≥ 7). */
  cccAtOnce: readonly AlertSeverity[];
  /**
   * Issue 14: a care-home resident's fall goes to the home's staff first (they are in the room); if none of
   * them acknowledges it within this many minutes it goes to the virtual ward, whose own escalation then runs.
   */
  careHomeAcknowledgeMinutes: number;
  deviceOfflineMinutes: number;
  battery: { lowPercent: number; okPercent: number };
  /** The pipeline counts as stalled when the newest heartbeat is older than this (HZ-01). */
  pipelineStallSeconds: number;
}

export const DEFAULT_ALERTING_POLICY: AlertingPolicy = {
  freshnessMinutes: DEFAULT_FRESHNESS_MINUTES,
  hysteresis: { clearMinutes: 15, clearReadings: 3 },
  escalationMinutes: {
    critical: 5,
    high: 15,
    medium: 30,
    'low-medium': 60,
    low: 120,
    technical: 240,
  },
  repromptMinutes: { critical: 15, high: 30, medium: 60, 'low-medium': 120, low: 240, technical: 480 },
  maxSnoozeMinutes: { medium: 30, 'low-medium': 60, low: 240, technical: 480 },
  cccAtOnce: ['critical', 'high'],
  careHomeAcknowledgeMinutes: 10,
  deviceOfflineMinutes: 60,
  battery: { lowPercent: 20, okPercent: 30 },
  pipelineStallSeconds: 120,
};

/** Overrides of some values (configuration, tests); nested maps may be given in part. */
export type AlertingPolicyOverrides = Partial<
  Omit<AlertingPolicy, 'escalationMinutes' | 'hysteresis' | 'battery'>
> & {
  escalationMinutes?: Partial<Record<AlertSeverity, number>>;
  hysteresis?: Partial<HysteresisPolicy>;
  battery?: Partial<AlertingPolicy['battery']>;
};

/** A policy with some values overridden (configuration), the rest defaults. */
export function alertingPolicy(over: AlertingPolicyOverrides = {}): AlertingPolicy {
  return {
    ...DEFAULT_ALERTING_POLICY,
    ...over,
    escalationMinutes: { ...DEFAULT_ALERTING_POLICY.escalationMinutes, ...over.escalationMinutes },
    hysteresis: { ...DEFAULT_ALERTING_POLICY.hysteresis, ...over.hysteresis },
    battery: { ...DEFAULT_ALERTING_POLICY.battery, ...over.battery },
  };
}
