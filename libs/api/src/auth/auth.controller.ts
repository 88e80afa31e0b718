import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { type LoginRequest, loginRequestSchema, SESSION_COOKIE_NAME, type User } from '@vigil/contracts';
import type { Request, Response } from 'express';
import { API_OPTIONS, type ApiModuleOptions } from '../api.options';
import { ApiError } from '../common/api-error';
import { ZodPipe } from '../common/zod.pipe';
import { SocketHub } from '../gateway/socket-hub.service';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AUTH_PROVIDER, type AuthProvider } from './auth-provider';
import { ALL_ROLES, type AuthedRequest, type Principal, toUser } from './principal';
import { LoginThrottleService } from './login-throttle.service';
import { SessionsService } from './sessions.service';

@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AUTH_PROVIDER) private readonly provider: AuthProvider,
    private readonly sessions: SessionsService,
    private readonly sockets: SocketHub,
    @Inject(API_OPTIONS) private readonly options: ApiModuleOptions,
    private readonly throttle: LoginThrottleService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(loginRequestSchema)) body: LoginRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ user: User }> {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = await this.throttle.retryAfterSeconds(body.username, address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new ApiError(429, 'too-many-attempts', `too many failed sign-ins: try again in ${wait} s`);
    }
    const user = await this.provider.authenticate(body);
    if (!user) {
      await this.throttle.failed(body.username, address);
      // One message for unknown user, wrong password and disabled account: no username probing.
      throw new ApiError(401, 'invalid-credentials', 'username or password is wrong');
    }
    await this.throttle.succeeded(body.username);
    const { token, principal } = await this.sessions.start(user);
    // No Max-Age: a browser-session cookie; the server enforces idle and absolute expiry.
    res.cookie(SESSION_COOKIE_NAME, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: cookieSecure(this.options, req),
      path: '/',
    });
    return { user: toUser(principal) };
  }

  @Post('logout')
  @Roles(...ALL_ROLES)
  @HttpCode(204)
  async logout(
    @CurrentUser() me: Principal,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const token = (req.cookies as Record<string, string>)[SESSION_COOKIE_NAME];
    await this.sessions.end(token);
    this.sockets.endSession(me.sessionId, 'signed out');
    res.clearCookie(SESSION_COOKIE_NAME, {
      httpOnly: true,
      sameSite: 'strict',
      secure: cookieSecure(this.options, req),
      path: '/',
    });
  }

  @Get('me')
  @Roles(...ALL_ROLES)
  me(@CurrentUser() me: Principal): { user: User } {
    return { user: toUser(me) };
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether the session cookie is `Secure` (D8): as configured, else whenever the console is not on this
 * machine (a host other than localhost) or the request came over https. `req.hostname` and `req.secure`
 * follow X-Forwarded-Host/-Proto only from a trusted proxy.
 */
export function cookieSecure(options: Pick<ApiModuleOptions, 'cookieSecure'>, req: Request): boolean {
  if (options.cookieSecure !== undefined) return options.cookieSecure;
  return req.secure || !LOOPBACK_HOSTS.has(req.hostname);
}
