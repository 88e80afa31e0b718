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
  /** A `measuredAt` no binding covers and over a year before receipt: a wrong (reset) device clock, not a reading. */
  'past-timestamp',
  /** The device's kind does not measure this parameter (a pulse oximeter reporting a fall). */
  'wrong-device-kind',
  /** Refused by the broker's topic ACL: a publish to another device's topic, or a subscribe. */
  'acl-refused',
  /** A multi-user cuff's reading from a user other than the patient's (HZ-05): someone else's blood pressure. */
  'other-cuff-user',
  /**
   * A reading from a peripheral's memory whose own time and the hub's fall under different bindings of the hub
   * (HZ-05): whose reading it is cannot be told, so it is nobody's.
   */
  'ambiguous-patient',
  /**
   * Accepted and acknowledged, then set aside by the scorer: a stream record that is not a valid vitals event, or
   * one that kept failing (HZ-01, HZ-13). Kept here so that the patients behind it are scored and it is not lost; `raw`
   * is the stream record's JSON value.
   */
  'unprocessable',
] as const;
export const rejectionReasonSchema = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof rejectionReasonSchema>;

/**
 * A dead letter keeps at most this many bytes of the raw payload, plus its size and SHA-256 (issue 12, D1):
 * enough to read what was sent, never a multi-megabyte row or API response.
 */
export const DEAD_LETTER_RAW_PREFIX_BYTES = 4096;

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
  /** The raw payload, base64, exactly as received, or its first {@link DEAD_LETTER_RAW_PREFIX_BYTES} bytes. */
  rawBase64: z.string(),
  /** Size of the whole payload in bytes (larger than the decoded `rawBase64` when that is a prefix). */
  rawSize: z.number().int().nonnegative().optional(),
  /** SHA-256 of the whole payload, hex (null when the broker refused it before reading it). */
  rawSha256: z.string().nullable().optional(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
