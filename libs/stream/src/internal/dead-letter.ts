import type { DeadLetterOptions } from '../stream.port';

/** Headers a dead-lettered record carries beside its own (the original key and value are kept). */
export const DEAD_LETTER_HEADERS = {
  topic: 'vigil-dlt-topic',
  partition: 'vigil-dlt-partition',
  offset: 'vigil-dlt-offset',
  groupId: 'vigil-dlt-group',
  error: 'vigil-dlt-error',
  attempts: 'vigil-dlt-attempts',
} as const;

/** Where a dead-lettered record came from and why it was set aside. */
export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
  error: unknown;
  attempts: number;
}

/** The record's own headers with {@link DEAD_LETTER_HEADERS} added (the error message cut to 1,000 characters). */
export function deadLetterHeaders<V>(
  own: Record<string, V>,
  origin: DeadLetterOrigin,
): Record<string, V | string> {
  return {
    ...own,
    [DEAD_LETTER_HEADERS.topic]: origin.topic,
    [DEAD_LETTER_HEADERS.partition]: String(origin.partition),
    [DEAD_LETTER_HEADERS.offset]: origin.offset,
    [DEAD_LETTER_HEADERS.groupId]: origin.groupId,
    [DEAD_LETTER_HEADERS.error]: (origin.error instanceof Error
      ? origin.error.message
      : String(origin.error)
    ).slice(0, 1000),
    [DEAD_LETTER_HEADERS.attempts]: String(origin.attempts),
  };
}

/** Checks a subscription's dead-letter options (both adapters). */
export function validDeadLetter(options: DeadLetterOptions): DeadLetterOptions {
  if (typeof options.topic !== 'string' || options.topic.length === 0)
    throw new TypeError('deadLetter.topic must be a non-empty string');
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)
    throw new RangeError(`deadLetter.maxAttempts must be a positive integer, got ${options.maxAttempts}`);
  return options;
}
