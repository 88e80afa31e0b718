import { z } from 'zod';
import { PARAMETERS } from './parameters';

const isoInstant = z.iso.datetime({ offset: true });

/** Rule ids beside NEWS2 (SPEC §4). Rule definitions carry a version; alerts record both. */
export const RULE_IDS = [
  // One clinical alert per patient: NEWS2 band, red score and personal thresholds are its reasons.
  'deterioration',
  'implausible-reading',
  // Rules that are now reasons of 'deterioration'; kept for episodes stored before the alerting core.
  'news2-band',
  'news2-red-score',
  'personal-threshold',
  'fall',
  'overdue-reading',
  'device-offline',
  'battery-low',
  'pipeline-stalled',
  // Issue 13: a heart-failure patient's weight gain over a window (a trend NEWS2 has no notion of).
  'weight-gain',
  // Issue 14: breathlessness or chest pain a patient or carer reports (a reason of 'deterioration').
  'reported-symptom',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const ALERT_STATES = ['open', 'acknowledged', 'escalated', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Clinical alerts page nurses; technical alerts (device offline, battery low, pipeline) are separate. */
export const ALERT_KINDS = ['clinical', 'technical'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Severity, most urgent first. A fall is `critical`; a NEWS2 ≥7 is `high`. */
export const ALERT_SEVERITIES = ['critical', 'high', 'medium', 'low-medium', 'low', 'technical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Lower is more urgent; for sorting the triage queue by severity then age. */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/**
 * Tiered escalation (issue 13): virtual-ward nurse → virtual-ward clinician → care coordination centre →
 * a recommendation for an urgent community response or 999. The rules live in libs/pathways.
 */
export const ESCALATION_TIERS = ['ward-nurse', 'ward-clinician', 'ccc', 'urgent-response'] as const;
export type EscalationTier = (typeof ESCALATION_TIERS)[number];

/** What came of an alert, recorded whenever a person resolves one (issue 13). */
export const ALERT_OUTCOMES = [
  'advice-given',
  'medication-change',
  'clinician-visit',
  'urgent-community-response',
  'ambulance-or-ed',
  'no-action',
] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

export const NEWS2_BANDS = ['low', 'low-medium', 'medium', 'high'] as const;
export const news2BandSchema = z.enum(NEWS2_BANDS);

/** One reason of an alert: which rule says so, how urgent, in words a nurse can act on. */
export const alertReasonSchema = z.object({
  ruleId: z.enum(RULE_IDS),
  ruleVersion: z.number().int().positive(),
  severity: z.enum(ALERT_SEVERITIES),
  text: z.string(),
  triggeringParameters: z.array(z.enum(PARAMETERS)),
});
export type AlertReason = z.infer<typeof alertReasonSchema>;

export const alertSummarySchema = z.object({
  id: z.uuid(),
  patientId: z.uuid(),
  wardId: z.uuid(),
  ruleId: z.enum(RULE_IDS),
  ruleVersion: z.number().int().positive(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(ALERT_STATES),
  /** Why the alert fired, in words a nurse can act on. */
  reason: z.string(),
  /** Every rule behind this alert (a clinical alert may have several); severity is the highest of them. */
  reasons: z.array(alertReasonSchema).default([]),
  band: news2BandSchema.nullable(),
  news2Total: z.number().int().nullable(),
  /** The NEWS2 behind the alert was partial: some parameters were missing. */
  partial: z.boolean(),
  triggeringParameters: z.array(z.enum(PARAMETERS)),
  openedAt: isoInstant,
  updatedAt: isoInstant,
  /**
   * When this alert last asked for a person's attention: opened, reopened by a new event or a
   * worsening, or re-prompted because its cause persists. Escalation counts from here.
   */
  attentionSince: isoInstant.optional(),
  /** Event time of the newest reading that touched this episode. */
  lastObservationAt: isoInstant.nullable(),
  assignedTo: z.string().nullable(),
  acknowledgedAt: isoInstant.nullable(),
  acknowledgedBy: z.string().nullable(),
  escalatedAt: isoInstant.nullable(),
  escalationReason: z.string().nullable(),
  resolvedAt: isoInstant.nullable(),
  resolutionNote: z.string().nullable(),
  snoozedUntil: isoInstant.nullable(),
  /** Tiered escalation: who must act now, since when, and their response-time target (null: no plan ladder). */
  tier: z.enum(ESCALATION_TIERS).nullable().default(null),
  tierSince: isoInstant.nullable().default(null),
  tierTargetMinutes: z.number().int().nullable().default(null),
  /** The tier above on the alert's ladder (null at the top, or without a ladder). */
  nextTier: z.enum(ESCALATION_TIERS).nullable().default(null),
  outcome: z.enum(ALERT_OUTCOMES).nullable().default(null),
});
export type AlertSummary = z.infer<typeof alertSummarySchema>;

export const ALERT_EVENT_TYPES = [
  'alert.opened',
  'alert.updated',
  'alert.acknowledged',
  'alert.assigned',
  'alert.escalated',
  'alert.snoozed',
  'alert.resolved',
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** `alerts.events`: an alert episode changed. */
export const alertEventSchema = z.object({
  type: z.enum(ALERT_EVENT_TYPES),
  alert: alertSummarySchema,
  at: isoInstant,
  /** User id for human actions; null for the rules engine. */
  actor: z.string().nullable(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const news2ScoreSchema = z.object({
  total: z.number().int(),
  band: news2BandSchema,
  partial: z.boolean(),
  missing: z.array(z.string()),
  redScore: z.boolean(),
  perParameter: z.record(z.string(), z.number().int()),
  scorerVersion: z.string(),
  /** Event time the score applies to (the newest contributing reading). */
  scoredAt: isoInstant,
  /** Scored from late data: stored for the record, never paged as new. */
  retrospective: z.boolean(),
  spo2Scale: z.union([z.literal(1), z.literal(2)]),
  /**
   * N1: where air-or-oxygen is unknown on SpO2 scale 2, the lowest and highest totals it could be;
   * `total` and `band` are then the highest (alerting decides on it). Null when the score is one number.
   */
  range: z.object({ lowest: z.number().int(), highest: z.number().int() }).nullable().default(null),
  /** Where air-or-oxygen came from: a reading, the patient's oxygen prescription, or unknown. */
  oxygenSource: z.enum(['observation', 'prescription', 'unknown']).default('unknown'),
});
export type News2Score = z.infer<typeof news2ScoreSchema>;

/** `alerts.events`: a patient's NEWS2 changed. */
export const scoreEventSchema = z.object({
  type: z.literal('score.updated'),
  patientId: z.uuid(),
  wardId: z.uuid(),
  score: news2ScoreSchema,
});
export type ScoreEvent = z.infer<typeof scoreEventSchema>;

/** `alerts.events`: the alerting path's own health (HZ-01). */
export const pipelineStatusEventSchema = z.object({
  type: z.literal('pipeline.status'),
  healthy: z.boolean(),
  lastHeartbeatAt: isoInstant.nullable(),
  detail: z.string(),
});
export type PipelineStatusEvent = z.infer<typeof pipelineStatusEventSchema>;

export const alertsStreamEventSchema = z.union([
  alertEventSchema,
  scoreEventSchema,
  pipelineStatusEventSchema,
]);
export type AlertsStreamEvent = z.infer<typeof alertsStreamEventSchema>;
