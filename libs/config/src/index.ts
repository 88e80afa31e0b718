export {
  parseEnv,
  allowedOrigins,
  ConfigError,
  requireVariables,
  ENV_VARIABLES,
  type VigilEnv,
  type EnvVariableDoc,
} from './env';
