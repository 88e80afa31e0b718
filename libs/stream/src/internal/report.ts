import type { StreamErrorContext, StreamErrorHandler } from '../stream.port';

/** Default reporter: the error is never swallowed, at worst it lands on stderr. */
export const consoleStreamErrorHandler: StreamErrorHandler = (error, context) => {
  const where = [
    context.topic,
    context.groupId && `group ${context.groupId}`,
    context.partition !== undefined && `partition ${context.partition}`,
    context.firstOffset !== undefined && `offsets ${context.firstOffset}..${context.lastOffset}`,
    context.attempt !== undefined && `attempt ${context.attempt}`,
    context.retryInMs !== undefined && `retry in ${context.retryInMs} ms`,
  ]
    .filter(Boolean)
    .join(', ');
  console.error(`[@vigil/stream] ${context.phase} failed (${where})`, error);
};

/** Calls a reporter, making sure a faulty one cannot break the consumer loop. */
export function report(handler: StreamErrorHandler, error: unknown, context: StreamErrorContext): void {
  try {
    handler(error, context);
  } catch (reporterError) {
    console.error('[@vigil/stream] the onError handler threw', reporterError, 'while reporting', error);
  }
}
