import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SESSION_COOKIE_NAME, type UserRole } from '@vigil/contracts';
import { ApiError } from '../common/api-error';
import { PUBLIC_ROUTE, ROUTE_ROLES } from './auth.decorators';
import type { AuthedRequest } from './principal';
import { SessionsService } from './sessions.service';

/**
 * Global guard: every HTTP route needs a live session and one of the roles it declares, unless it is
 * `@Public()`. A route that declares nothing is refused, so forgetting a decorator fails closed.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE_NAME];
    const principal = await this.sessions.resolve(token);
    if (!principal) {
      throw ApiError.notSignedIn(token ? 'your session has ended; sign in again' : 'sign in to continue');
    }
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<readonly UserRole[] | undefined>(ROUTE_ROLES, targets);
    if (!roles || !roles.includes(principal.role)) throw ApiError.forbidden();
    return true;
  }
}
