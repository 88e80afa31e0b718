import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from '@vigil/contracts';
import { ApiError } from '../common/api-error';
import type { AuthedRequest, Principal } from './principal';

export const PUBLIC_ROUTE = 'vigil:public';
export const ROUTE_ROLES = 'vigil:roles';

/** No session needed (login, health, metrics). Every other route must name its roles with {@link Roles}. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The roles allowed to call a route. A route with neither this nor `@Public()` is refused (deny by default). */
export const Roles = (...roles: readonly UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_ROLES, roles);

/** The signed-in caller, set by the session guard. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw ApiError.notSignedIn();
  return req.principal;
});
