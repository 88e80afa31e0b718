import { z } from 'zod';
import type { AlertSummary } from './alerts';

/** Issue 14: care homes, their residents, staff and devices, and their residents' falls. */
export const createCareHomeRequestSchema = z.object({
  name: z.string().trim().min(1, 'a care home needs a name').max(120),
  /** The virtual ward its residents' unacknowledged falls go to. */
  escalationWardId: z.uuid('escalationWardId must be a ward id'),
});
export type CreateCareHomeRequest = z.infer<typeof createCareHomeRequestSchema>;

export const addCareHomeStaffRequestSchema = z.object({ userId: z.uuid('userId must be a user id') });

const nhsNumber = z
  .string()
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{10}$/, 'an NHS number has 10 digits'));

/** A resident: an existing patient by id, or a new one registered for falls prevention only. */
export const addResidentRequestSchema = z
  .object({
    patientId: z.uuid().optional(),
    nhsNumber: nhsNumber.optional(),
    givenName: z.string().trim().min(1).max(100).optional(),
    familyName: z.string().trim().min(1).max(100).optional(),
    dateOfBirth: z.iso.date().optional(),
    room: z.string().trim().max(40).optional(),
    fallsPrevention: z.boolean().default(true),
  })
  .refine((r) => r.patientId !== undefined || (r.nhsNumber && r.givenName && r.familyName), {
    message: 'give patientId, or nhsNumber, givenName and familyName for a new resident',
  });
export type AddResidentRequest = z.infer<typeof addResidentRequestSchema>;

export const fallsPreventionRequestSchema = z.object({ enrolled: z.boolean() });

export const CARE_HOME_DEVICE_KINDS = ['falls-sensor', 'bed-sensor', 'chair-sensor'] as const;
export const addCareHomeDeviceRequestSchema = z.object({
  deviceId: z.string().min(1).max(64),
  kind: z.enum(CARE_HOME_DEVICE_KINDS),
  location: z.string().trim().max(80).optional(),
});
export type AddCareHomeDeviceRequest = z.infer<typeof addCareHomeDeviceRequestSchema>;

export const resolveFallRequestSchema = z.object({
  note: z.string().trim().min(1, 'say what happened and what was done').max(2000),
});

export interface CareHomeView {
  id: string;
  name: string;
  escalationWardId: string;
}

export interface ResidentView {
  patientId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  room: string | null;
  fallsPreventionSince: string | null;
}

export interface CareHomeFallView {
  alert: AlertSummary;
  /** `care-home` while it waits for the home; `virtual-ward` or `ccc` after. */
  with: string;
  resident: { patientId: string; givenName: string; familyName: string; room: string | null };
}

export interface CareHomeDeviceView {
  deviceId: string;
  kind: (typeof CARE_HOME_DEVICE_KINDS)[number];
  location: string | null;
  boundPatientId: string | null;
}

/** Issue 14 §3: the SMI physical-health plan, with the named care coordinator missed check-ins go to. */
export const smiPlanRequestSchema = z.object({
  coordinatorName: z.string().trim().min(1, 'name the care coordinator').max(120),
  coordinatorContact: z.string().trim().min(1, 'how to reach the care coordinator').max(200),
  /** A Vigil account of the coordinator, when they have one: they then see the missed check-ins. */
  coordinatorUserId: z.uuid().optional(),
  intervalDays: z.number().int().min(1).max(31).default(7),
  graceHours: z.number().int().min(0).max(168).default(48),
});
export type SmiPlanRequest = z.infer<typeof smiPlanRequestSchema>;

export interface SmiPlanView {
  patientId: string;
  coordinatorName: string;
  coordinatorContact: string;
  coordinatorUserId: string | null;
  intervalDays: number;
  graceHours: number;
  startedAt: string;
  lastCheckInAt: string | null;
  nextDueAt: string;
  state: 'done' | 'due' | 'missed';
}

/**
 * What came of a care coordinator's contact about a missed check-in (issue 14 §3). Whether an outcome closes
 * the missed check-in is decided in `@vigil/questionnaires` (`smiContactCloses`): only "no answer" keeps it open.
 */
export const SMI_CONTACT_OUTCOMES = ['checked-in', 'will-check-in', 'no-answer', 'concern-referred'] as const;
export type SmiContactOutcome = (typeof SMI_CONTACT_OUTCOMES)[number];

export const smiContactRequestSchema = z.object({
  outcome: z.enum(SMI_CONTACT_OUTCOMES, 'choose what came of the contact'),
  note: z.string().trim().max(2000).default(''),
});
export type SmiContactRequest = z.infer<typeof smiContactRequestSchema>;

export interface SmiContactView {
  at: string;
  by: string;
  byName: string | null;
  outcome: SmiContactOutcome;
  note: string;
}

export interface MissedCheckInView {
  id: string;
  patientId: string;
  givenName: string;
  familyName: string;
  dueAt: string;
  /** When it counted as missed (due plus the plan's grace). */
  missedAt: string;
  /** When Vigil recorded it as missed (the timer runs every minute). */
  escalatedAt: string;
  coordinatorName: string;
  coordinatorContact: string;
  /** Whether the caller is the plan's named care coordinator. */
  mine: boolean;
  /** The newest questionnaire anyone sent for the patient. */
  lastCheckInAt: string | null;
  /** The newest contact recorded about this patient's missed check-ins. */
  lastContact: SmiContactView | null;
}

/** Socket notification (issue 14): a missed check-in was recorded, or a contact about one. */
export interface SmiEvent {
  type: 'smi.missed' | 'smi.contact';
  missedCheckInId: string;
  patientId: string;
  wardId: string;
}
