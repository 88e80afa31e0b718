import pino from 'pino';
import type { StreamErrorContext, StreamErrorHandler } from '../stream.port';

/** The stream's own logger when the service passes no reporter: JSON lines (pino) on stdout. */
const fallbackLogger = pino(
  {
    name: 'vigil-stream',
    level: 'warn',
    serializers: { err: pino.stdSerializers.err, reported: pino.stdSerializers.err },
  },
  process.stdout,
);

/** Default reporter: the error is never swallowed, at worst it is a JSON warning on stdout. */
export const consoleStreamErrorHandler: StreamErrorHandler = (error, context) => {
  fallbackLogger.warn({ err: error, ...context }, `stream ${context.phase} failed`);
};

/** Calls a reporter, making sure a faulty one cannot break the consumer loop. */
export function report(handler: StreamErrorHandler, error: unknown, context: StreamErrorContext): void {
  try {
    handler(error, context);
  } catch (reporterError) {
    fallbackLogger.error({ err: reporterError, reported: error, ...context }, 'the onError handler threw');
  }
}
