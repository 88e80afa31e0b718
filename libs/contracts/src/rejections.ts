import { z } from 'zod';

/**
 * Why a device message or measurement was rejected. Every rejection lands in the dead-letter
 * store with one of these codes and a human-readable detail (SPEC §3: never drop silently).
 */
export const REJECTION_REASONS = [
  'oversize-payload',
  'malformed-json',
  'invalid-envelope',
  'invalid-measurement',
  'forged-topic',
  'unknown-device',
  'device-disabled',
  'unbound-device',
  'unsupported-characteristic',
  'codec-error',
  'special-value',
  'implausible-value',
  'future-timestamp',
] as const;
export const rejectionReasonSchema = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof rejectionReasonSchema>;

/** One rejection; `measurementIndex` is null when the whole message was rejected. */
export const rejectionSchema = z.object({
  reason: rejectionReasonSchema,
  detail: z.string(),
  measurementIndex: z.number().int().nonnegative().nullable(),
});
export type Rejection = z.infer<typeof rejectionSchema>;

/** A dead-letter record: the rejection plus everything needed to inspect or replay it. */
export const deadLetterSchema = rejectionSchema.extend({
  id: z.uuid(),
  receivedAt: z.iso.datetime({ offset: true }),
  topic: z.string(),
  deviceId: z.string().nullable(),
  /** The raw payload, base64, exactly as received. */
  rawBase64: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
