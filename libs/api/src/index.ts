export {
  API_DATABASE,
  API_STREAM,
  API_OPTIONS,
  DEFAULT_SESSION_IDLE_MINUTES,
  DEFAULT_SESSION_ABSOLUTE_HOURS,
  type ApiModuleOptions,
} from './api.options';
export { ApiModule } from './api.module';
export { configureApiApp } from './configure-api-app';
export { Public, Roles, CurrentUser } from './auth/auth.decorators';
export { AUTH_PROVIDER, type AuthProvider, type AuthenticatedUser } from './auth/auth-provider';
export { type Principal } from './auth/principal';
export { SocketHub } from './gateway/socket-hub.service';
export { AlertsEventsConsumer } from './gateway/alerts-events.consumer';
export { reportedObservationEvents } from './patient-reporting/reported-observations';
export { SmiService } from './smi/smi.service';
