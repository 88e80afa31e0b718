import { logLevel, type logCreator } from 'kafkajs';

/** What kafkajs' logs are written to: a pino logger fits. */
export interface LevelLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/**
 * Routes kafkajs' own logs (connections, rebalances, retries) into the service's JSON log instead of the
 * console, as `{ kafkajs: <namespace>, … }`. Pass it as `kafkaConfig.logCreator`.
 */
export function kafkaLogCreator(logger: LevelLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const details = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(details, message);
      else if (level === logLevel.WARN) logger.warn(details, message);
      else if (level === logLevel.INFO) logger.info(details, message);
      else logger.debug(details, message);
    };
}
