export {
  registerStreamMetrics,
  runChecks,
  startOpsServer,
  type HealthReport,
  type OpsCheck,
  type OpsServer,
  type OpsServerOptions,
  type StreamHealthSource,
} from './ops-server';
export { pinoNestLogger, type PinoLike } from './pino-nest-logger';
