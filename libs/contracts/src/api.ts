import type { ReportedAnswersView } from './patient-reporting';
/**
 * The REST contract between the api and the console (docs/api-surface.md): zod schemas for every
 * request body and query, and the response types. The console and the device simulator import these.
 */
import { isValidNhsNumber } from '@vigil/clinical';
import { z } from 'zod';
import type { AlertSummary, News2Score } from './alerts';
import {
  ALERT_KINDS,
  ALERT_OUTCOMES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  ESCALATION_TIERS,
  type EscalationTier,
} from './alerts';
import {
  ACVPU_CODES,
  INSPIRED_OXYGEN_CODES,
  type Parameter,
  PARAMETERS,
  PARAMETER_DEFINITIONS,
} from './parameters';
import { REJECTION_REASONS } from './rejections';
import { DEVICE_ID_PATTERN } from './topics';

const isoInstant = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------------------------------------
// Users and auth

/** `care-home`: staff of a care home (issue 14), who see and acknowledge their residents' falls only. */
export const USER_ROLES = ['nurse', 'coordinator', 'clinician', 'admin', 'care-home'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The name of the session cookie (httpOnly, SameSite=Strict; see docs/decisions/0001-session-cookies.md). */
export const SESSION_COOKIE_NAME = 'vigil_session';

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
/** Minimum password length for local accounts (NCSC: length over complexity rules). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Plain text for names people read (D12): no markup brackets, no control characters, no bidirectional
 * overrides. React escapes output anyway; this keeps exports, logs and e-mails clean as well.
 */
const PLAIN_TEXT = /^[^<>\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;
const plainText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(PLAIN_TEXT, `${what} must be plain text (no < >, control or direction-override characters)`);

export const loginRequestSchema = z.object({
  username: z.string().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(1024),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  wardIds: string[];
}

/** An account as admins see it. */
export interface UserAccount extends User {
  disabled: boolean;
  createdAt: string;
}

export const createUserRequestSchema = z.object({
  username: z
    .string()
    .regex(USERNAME_PATTERN, 'username must be 3–64 of lower-case letters, digits, dot, underscore, hyphen'),
  displayName: plainText('display name', 200),
  role: z.enum(USER_ROLES),
  wardIds: z.array(z.uuid()).max(100).default([]),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024),
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .object({
    displayName: plainText('display name', 200).optional(),
    role: z.enum(USER_ROLES).optional(),
    wardIds: z.array(z.uuid()).max(100).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), {
    message: 'give at least one of displayName, role, wardIds, disabled',
  });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Wards and patients

export interface Ward {
  id: string;
  name: string;
}

export const spo2ScaleSchema = z.union([z.literal(1), z.literal(2)]);

/** Pathway templates (issue 13; the templates themselves live in libs/pathways). */
export const PATHWAY_TEMPLATE_IDS = [
  'ari',
  'frailty',
  'heart-failure',
  'copd',
  'smi-physical-health',
] as const;

export const admitPatientRequestSchema = z.object({
  nhsNumber: z
    .string()
    .refine(
      (v) => isValidNhsNumber(v),
      'NHS number is not valid: 10 digits (or 3 3 4) with a correct Modulus 11 check digit',
    ),
  givenName: plainText('given name', 200),
  familyName: plainText('family name', 200),
  dateOfBirth: z.iso
    .date('date of birth must be YYYY-MM-DD')
    // Today anywhere on Earth counts (UTC+14), so a baby admitted just after midnight is not refused.
    .refine((d) => d <= new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10), {
      message: 'date of birth cannot be in the future',
    })
    .refine((d) => d >= '1880-01-01', { message: 'date of birth cannot be before 1880' })
    .optional(),
  wardId: z.uuid('wardId must be a ward id'),
  spo2Scale: spo2ScaleSchema.optional(),
  pathway: z.string().trim().min(1).max(100).optional(),
  /** Issue 13: admit on a pathway template; its plan is applied in the same request (audited). */
  templateId: z
    .enum(PATHWAY_TEMPLATE_IDS, {
      error: 'templateId must be one of ari, frailty, heart-failure, copd, smi-physical-health',
    })
    .optional(),
});
export type AdmitPatientRequest = z.infer<typeof admitPatientRequestSchema>;

/** Why a clinician changed a patient's clinical settings: required and audited (R9). */
const changeReason = (what: string) =>
  z
    .string({ error: `${what} needs a reason` })
    .trim()
    .min(1, `${what} needs a reason`)
    .max(2000);

export const spo2ScaleRequestSchema = z.object({
  scale: spo2ScaleSchema,
  reason: changeReason('an SpO2 scale change'),
});
export type Spo2ScaleRequest = z.infer<typeof spo2ScaleRequestSchema>;

/** N1: on air or on oxygen, as prescribed by a clinician; scoring uses it unless a newer reading says otherwise. */
export const oxygenPrescriptionRequestSchema = z.object({
  onOxygen: z.boolean({ error: 'onOxygen must be true (on oxygen) or false (on air)' }),
  reason: changeReason('an oxygen prescription'),
});
export type OxygenPrescriptionRequest = z.infer<typeof oxygenPrescriptionRequestSchema>;

export interface OxygenPrescriptionView {
  onOxygen: boolean;
  reason: string;
  /** User id of the clinician who set it. */
  setBy: string;
  setAt: string;
}

/**
 * Parameters a personalised threshold may name (D12): the numeric vital signs. Consciousness (ACVPU) and
 * inspired oxygen are categories, and every fall alerts already, so none of them takes a number.
 */
export const THRESHOLD_PARAMETERS = [
  'heartRate',
  'spo2',
  'respiratoryRate',
  'temperature',
  'systolicBp',
  'diastolicBp',
  'meanArterialPressure',
] as const satisfies readonly Parameter[];

export const thresholdSchema = z
  .object({
    parameter: z.enum(PARAMETERS),
    below: z.number().finite().optional(),
    above: z.number().finite().optional(),
    note: z.string().max(500).optional(),
  })
  .refine((t) => t.below !== undefined || t.above !== undefined, {
    message: 'a threshold needs below or above',
  })
  .refine((t) => t.below === undefined || t.above === undefined || t.below < t.above, {
    message: 'below must be less than above',
  })
  .superRefine((t, ctx) => {
    if (!(THRESHOLD_PARAMETERS as readonly string[]).includes(t.parameter)) {
      ctx.addIssue({
        code: 'custom',
        path: ['parameter'],
        message: `${t.parameter} takes no numeric threshold (only ${THRESHOLD_PARAMETERS.join(', ')})`,
      });
      return;
    }
    // Bounded to what the platform stores at all: a threshold outside it could never fire, or always would.
    const range = PARAMETER_DEFINITIONS[t.parameter].plausible;
    if (!range) return;
    for (const key of ['below', 'above'] as const) {
      const value = t[key];
      if (value !== undefined && (value < range.min || value > range.max)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} for ${t.parameter} must be within ${range.min}–${range.max} ${PARAMETER_DEFINITIONS[t.parameter].unit}`,
        });
      }
    }
  });
export const thresholdsRequestSchema = z.array(thresholdSchema).max(50);
export type ThresholdsRequest = z.infer<typeof thresholdsRequestSchema>;

export interface Threshold {
  parameter: string;
  below?: number;
  above?: number;
  note?: string;
  /** User id of the clinician who set it. */
  setBy: string;
  /** Their name when they set it (absent on thresholds set before it was recorded). */
  setByName?: string;
  setAt: string;
}

export const monitoringRequestSchema = z.object({
  requiredParameters: z.array(z.enum(PARAMETERS)).max(PARAMETERS.length),
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  freshnessMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
});
export type MonitoringRequest = z.infer<typeof monitoringRequestSchema>;

export interface Monitoring {
  requiredParameters?: string[];
  intervalMinutes?: number;
  graceMinutes?: number;
  freshnessMinutes?: number;
}

function plausible(parameter: keyof typeof PARAMETER_DEFINITIONS): z.ZodNumber {
  const range = PARAMETER_DEFINITIONS[parameter].plausible;
  const base = z.number().finite();
  if (!range) return base;
  const msg = `${PARAMETER_DEFINITIONS[parameter].display} must be between ${range.min} and ${range.max}`;
  return base.min(range.min, msg).max(range.max, msg);
}

/** The manual-observation fields, each a NEWS2 parameter a nurse can enter by hand. */
export const MANUAL_OBSERVATION_FIELDS = [
  'respiratoryRate',
  'consciousness',
  'inspiredOxygen',
  'spo2',
  'heartRate',
  'systolicBp',
  'temperature',
] as const;

export const manualObservationRequestSchema = z
  .object({
    respiratoryRate: plausible('respiratoryRate').optional(),
    consciousness: z.enum(ACVPU_CODES).optional(),
    inspiredOxygen: z.enum(INSPIRED_OXYGEN_CODES).optional(),
    spo2: plausible('spo2').optional(),
    heartRate: plausible('heartRate').optional(),
    systolicBp: plausible('systolicBp').optional(),
    temperature: plausible('temperature').optional(),
    measuredAt: isoInstant,
  })
  .refine((o) => MANUAL_OBSERVATION_FIELDS.some((f) => o[f] !== undefined), {
    message: `give at least one of ${MANUAL_OBSERVATION_FIELDS.join(', ')}`,
  });
export type ManualObservationRequest = z.infer<typeof manualObservationRequestSchema>;

export interface ManualObservationAccepted {
  /** Ids of the canonical observations published (one per parameter). */
  observationIds: string[];
  messageId: string;
}

export const patientsQuerySchema = z.object({ wardId: z.uuid().optional() });

/** `from`/`to` ISO instants (default: the last 24 hours), optional parameter filter. */
export const timeRangeQuerySchema = z
  .object({
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    parameter: z.enum(PARAMETERS).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
  });
export type TimeRangeQuery = z.infer<typeof timeRangeQuerySchema>;

export interface LatestObservation {
  parameter: string;
  value: number;
  valueCode: string | null;
  unit: string;
  measuredAt: string;
}

export interface PatientSummary {
  id: string;
  /** Ten digits; the console formats it 3 3 4. */
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  wardId: string;
  spo2Scale: 1 | 2;
  pathway: string;
  admittedAt: string;
  dischargedAt: string | null;
  latestScore: News2Score | null;
  latestObservations: LatestObservation[];
}

export interface PatientDevice {
  id: string;
  kind: string;
  battery: number | null;
  lastSeenAt: string | null;
  boundFrom: string;
}

export interface PatientDetail extends PatientSummary {
  thresholds: Threshold[];
  monitoring: Monitoring;
  devices: PatientDevice[];
  /** N1: null when none is recorded (on SpO2 scale 2, air or oxygen is then unknown unless a reading says). */
  oxygenPrescription: OxygenPrescriptionView | null;
}

export interface ObservationView {
  id: string;
  parameter: string;
  value: number;
  valueCode: string | null;
  unit: string;
  measuredAt: string;
  receivedAt: string;
  retrospective: boolean;
  source: string;
}

export interface HourlyObservationView {
  parameter: string;
  bucket: string;
  avg: number;
  min: number;
  max: number;
  readings: number;
}

export type ScoreView = News2Score & { id: string };

// ---------------------------------------------------------------------------------------------
// Alerts

export interface AlertPatientRef {
  id: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
}

export type AlertView = AlertSummary & { patient: AlertPatientRef | null; wardName: string };

export interface AuditEntry {
  alertId: string;
  at: string;
  actor: string | null;
  action: string;
  fromState: string | null;
  toState: string;
  detail: Record<string, unknown>;
}

/** An alert with its audit trail and (issue 14) the answers attached to it: post-fall answers on a fall. */
export type AlertDetail = AlertView & { audit: AuditEntry[]; reportedAnswers: ReportedAnswersView[] };

const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter((v) => v.length > 0))
    .pipe(z.array(z.enum(values)));

export const alertsQuerySchema = z.object({
  wardId: z.uuid().optional(),
  /** Comma-separated states; default every unresolved state. */
  state: commaList(ALERT_STATES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  /**
   * Page size (default and most: 500); the `X-Next-Cursor` answer header names the next page, and the first
   * page's `X-Total-Count` how many alerts match in all. The console reads every page (HZ-02).
   */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).max(300).optional(),
});
export type AlertsQuery = z.infer<typeof alertsQuerySchema>;

/**
 * HZ-10: the alert as the person saw it when they chose to act — its severity and when it last asked for
 * attention (`attentionSince`; `openedAt` where a view has none). The api refuses the action (409
 * `alert-changed`, saying what changed) when the alert has since worsened or asked for attention again (a
 * new event, a reopening, a re-prompt or re-escalation); a reading that leaves the severity as it was
 * changes neither, so it never refuses one. Acknowledge, snooze and resolve carry it.
 */
const seenAlertSchema = z.object({
  severity: z.enum(ALERT_SEVERITIES),
  attentionSince: isoInstant,
});
/** What the person saw, as an action request carries it (`seen`). */
export type SeenAlertRequest = z.infer<typeof seenAlertSchema>;
const seenField = { seen: seenAlertSchema };

export const acknowledgeAlertRequestSchema = z.object(seenField).strict();
export type AcknowledgeAlertRequest = z.infer<typeof acknowledgeAlertRequestSchema>;
export const assignAlertRequestSchema = z.object({ userId: z.uuid('userId must be a user id') });
export type AssignAlertRequest = z.infer<typeof assignAlertRequestSchema>;
export const escalateAlertRequestSchema = z.object({
  reason: z.string().trim().min(1, 'an escalation needs a reason').max(2000),
  /**
   * `ccc` for an alert without a plan's ladder; under a ladder, `next` (the default for the console) or a
   * higher tier by name (issue 13). `ccc` under a ladder means the CCC tier.
   */
  destination: z.enum(['ccc', 'next', 'ward-clinician', 'urgent-response']).default('ccc'),
});
export type EscalateAlertRequest = z.infer<typeof escalateAlertRequestSchema>;
export const resolveAlertRequestSchema = z.object({
  note: z.string().trim().min(1, 'resolving an alert needs a note').max(5000),
  /** Issue 13: every resolution by a person records what came of the alert. */
  outcome: z.enum(ALERT_OUTCOMES, {
    error: `outcome must be one of ${ALERT_OUTCOMES.join(', ')}`,
  }),
  ...seenField,
});
export type ResolveAlertRequest = z.infer<typeof resolveAlertRequestSchema>;
export const snoozeAlertRequestSchema = z.object({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  ...seenField,
});
export type SnoozeAlertRequest = z.infer<typeof snoozeAlertRequestSchema>;

export const auditQuerySchema = z.object({ alertId: z.uuid().optional() });

// ---------------------------------------------------------------------------------------------
// Devices

/** Same list as the storage `devices.kind` CHECK constraint. */
export const DEVICE_KIND_VALUES = [
  'blood-pressure',
  'pulse-oximeter',
  'thermometer',
  'falls-sensor',
  'hub',
] as const;
export type DeviceKindValue = (typeof DEVICE_KIND_VALUES)[number];

/**
 * What each kind of device measures (issue 12, D7): ingest dead-letters a parameter the device's kind does
 * not measure (`wrong-device-kind`). Some oximeters derive respiration rate from the pleth waveform and BP
 * cuffs report pulse; a hub forwards whatever its paired devices send, falls included.
 */
export const DEVICE_KIND_PARAMETERS: Readonly<Record<DeviceKindValue, readonly Parameter[]>> = {
  'blood-pressure': ['systolicBp', 'diastolicBp', 'meanArterialPressure', 'heartRate'],
  'pulse-oximeter': ['spo2', 'heartRate', 'respiratoryRate'],
  thermometer: ['temperature'],
  'falls-sensor': ['fall'],
  hub: [
    'heartRate',
    'spo2',
    'respiratoryRate',
    'temperature',
    'systolicBp',
    'diastolicBp',
    'meanArterialPressure',
    'fall',
    'bodyWeight',
  ],
};

export const provisionDeviceRequestSchema = z.object({
  kind: z.enum(DEVICE_KIND_VALUES),
  serial: z.string().trim().min(1).max(200).optional(),
  id: z.string().regex(DEVICE_ID_PATTERN, 'device id must be 1–64 of A–Z a–z 0–9 . _ -').optional(),
});
export type ProvisionDeviceRequest = z.infer<typeof provisionDeviceRequestSchema>;

export const bindDeviceRequestSchema = z.object({ patientId: z.uuid('patientId must be a patient id') });
export type BindDeviceRequest = z.infer<typeof bindDeviceRequestSchema>;

export interface DeviceView {
  id: string;
  kind: string;
  serial: string | null;
  status: string;
  battery: number | null;
  lastSeenAt: string | null;
  provisionedAt: string;
  /** The patient bound now, or null. */
  boundPatientId: string | null;
  boundFrom: string | null;
}

export interface ProvisionedDeviceView {
  device: DeviceView;
  /** Shown once; never retrievable again. */
  secret: string;
}

// ---------------------------------------------------------------------------------------------
// Dead letters, status, errors

export const deadLettersQuerySchema = z.object({
  deviceId: z.string().max(64).optional(),
  reason: z.enum(REJECTION_REASONS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  /** From the previous page's `X-Next-Cursor` response header. */
  cursor: z.string().max(200).optional(),
});

export interface DeadLetterView {
  id: string;
  receivedAt: string;
  topic: string;
  deviceId: string | null;
  reason: string;
  detail: string;
  measurementIndex: number | null;
  /** The raw payload, base64: whole, or its first `DEAD_LETTER_RAW_PREFIX_BYTES` bytes when `rawTruncated`. */
  rawBase64: string;
  /** Size of the whole payload, bytes. */
  rawSize: number;
  /** Whether `rawBase64` holds only a prefix of the payload. */
  rawTruncated: boolean;
  /** SHA-256 of the whole payload, hex (null when the broker refused it unread). */
  rawSha256: string | null;
}

export interface PipelineStatus {
  pipeline: { healthy: boolean; lastHeartbeatAt: string | null; detail: string };
  serverTime: string;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** For validation errors: the failing fields (dotted paths) and why. */
    fields?: { path: string; message: string }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Pathways (issue 13): monitoring plans, schedules, ceilings, discharge

export const applyPlanRequestSchema = z.object({
  templateId: z.enum(PATHWAY_TEMPLATE_IDS, {
    error: `templateId must be one of ${PATHWAY_TEMPLATE_IDS.join(', ')}`,
  }),
});
export type ApplyPlanRequest = z.infer<typeof applyPlanRequestSchema>;

const scheduleSchema = z.object({
  parameter: z.enum(PARAMETERS),
  everyMinutes: z
    .number()
    .int()
    .min(15)
    .max(14 * 24 * 60),
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .max(14 * 24 * 60),
  source: z.string().max(500).default('Tailored by a clinician'),
});
const tierTargetSchema = z.object({
  tier: z.enum(ESCALATION_TIERS),
  responseMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});

/** Tailoring a plan: any of its parts, with a reason (audited). */
export const tailorPlanRequestSchema = z.object({
  reason: z.string().trim().min(1, 'tailoring a plan needs a reason').max(2000),
  schedules: z.array(scheduleSchema).max(PARAMETERS.length).optional(),
  thresholds: z
    .array(
      z.object({
        parameter: z.enum(PARAMETERS),
        below: z.number().finite().optional(),
        above: z.number().finite().optional(),
        note: z.string().max(500).default(''),
      }),
    )
    .max(50)
    .optional(),
  weightGain: z
    .object({
      gainKg: z.number().positive().max(20),
      windowHours: z
        .number()
        .int()
        .min(24)
        .max(14 * 24),
    })
    .nullable()
    .optional(),
  escalation: z.array(tierTargetSchema).min(1).max(ESCALATION_TIERS.length).optional(),
  dischargeHours: z
    .number()
    .int()
    .min(0)
    .max(14 * 24)
    .optional(),
});
export type TailorPlanRequest = z.infer<typeof tailorPlanRequestSchema>;

export const CEILING_FOCUS_VALUES = ['full-escalation', 'selective-treatment', 'comfort-care'] as const;
export const ceilingRequestSchema = z.object({
  focus: z.enum(CEILING_FOCUS_VALUES),
  cprAttempt: z.boolean(),
  note: z.string().trim().max(2000).default(''),
  reason: z
    .string()
    .trim()
    .min(1, 'recording a ceiling needs a reason (e.g. ReSPECT form of <date>)')
    .max(2000),
});
export type CeilingRequest = z.infer<typeof ceilingRequestSchema>;

export const DISCHARGE_OUTCOME_VALUES = [
  'recovered-at-home',
  'admitted-to-hospital',
  'died',
  'transferred',
] as const;
export const DEVICE_RETURN_VALUES = ['returned', 'collection-booked', 'not-applicable'] as const;

/** Discharge from a pathway: outcome, device return, a note; the R14 handover note as before. */
export const pathwayDischargeRequestSchema = z.object({
  outcome: z.enum(DISCHARGE_OUTCOME_VALUES, {
    error: `outcome must be one of ${DISCHARGE_OUTCOME_VALUES.join(', ')}`,
  }),
  deviceReturn: z.enum(DEVICE_RETURN_VALUES, {
    error: `deviceReturn must be one of ${DEVICE_RETURN_VALUES.join(', ')}`,
  }),
  note: z.string().trim().max(5000).default(''),
  handoverNote: z.string().trim().min(1, 'a handover note cannot be blank').max(5000).optional(),
});
export type PathwayDischargeRequest = z.infer<typeof pathwayDischargeRequestSchema>;

export const wardScheduleQuerySchema = z.object({ wardId: z.uuid().optional() });

/** One scheduled reading of a patient (the patient page and the ward view). */
export interface ScheduledReadingView {
  parameter: string;
  everyMinutes: number;
  graceMinutes: number;
  tightened: boolean;
  lastAt: string | null;
  dueAt: string;
  overdueAt: string;
  status: 'done' | 'due' | 'overdue';
}

export interface TreatmentCeilingView {
  focus: (typeof CEILING_FOCUS_VALUES)[number];
  cprAttempt: boolean;
  note: string;
  recordedBy: string;
  recordedAt: string;
  advice: string;
}

export interface PlanView {
  patientId: string;
  templateId: string;
  templateVersion: number;
  title: string;
  spo2Scale: 1 | 2;
  schedules: { parameter: string; everyMinutes: number; graceMinutes: number; source: string }[];
  thresholds: { parameter: string; below?: number; above?: number; note: string }[];
  trendRules: { kind: 'weight-gain'; gainKg: number; windowHours: number; source: string }[];
  tightening: { news2AtLeast: number; onRedScore: boolean; everyMinutes: number; source: string } | null;
  escalation: { tier: EscalationTier; responseMinutes: number }[];
  firstContact: string;
  discharge: { hoursWithoutMediumNews2: number; text: string; source: string };
  /** Tightened now (latest NEWS2 ≥ 5 or a red score). */
  tightened: boolean;
  latestNews2: { total: number; redScore: boolean; at: string } | null;
  schedule: ScheduledReadingView[];
  ceiling: TreatmentCeilingView | null;
  dischargeReadiness: { met: boolean; checks: { text: string; met: boolean }[] };
  updatedAt: string;
  updatedBy: string;
}

export interface WardScheduleRow {
  patientId: string;
  wardId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  pathway: string;
  tightened: boolean;
  readings: ScheduledReadingView[];
}

export interface PathwayTemplateView {
  id: string;
  version: number;
  title: string;
  summary: string;
  spo2Scale: 1 | 2;
  needsOxygenPrescription: boolean;
  schedules: { parameter: string; everyMinutes: number; graceMinutes: number; source: string }[];
  thresholds: { parameter: string; below?: number; above?: number; note: string }[];
  trendRules: { kind: 'weight-gain'; gainKg: number; windowHours: number; source: string }[];
  escalation: { tier: EscalationTier; responseMinutes: number }[];
  firstContact: string;
  discharge: { hoursWithoutMediumNews2: number; text: string; source: string };
}

export interface DischargeResult {
  patientId: string;
  encounterId: string;
  outcome: (typeof DISCHARGE_OUTCOME_VALUES)[number];
  deviceReturn: (typeof DEVICE_RETURN_VALUES)[number];
  dischargedAt: string;
  /** The FHIR R4 document Bundle (discharge summary) for the GP and the shared care record. */
  summary: Record<string, unknown>;
}
