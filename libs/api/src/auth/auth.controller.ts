import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type LoginRequest, loginRequestSchema, SESSION_COOKIE_NAME, type User } from '@vigil/contracts';
import type { Response } from 'express';
import { API_OPTIONS, type ApiModuleOptions } from '../api.options';
import { ApiError } from '../common/api-error';
import { ZodPipe } from '../common/zod.pipe';
import { SocketHub } from '../gateway/socket-hub.service';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AUTH_PROVIDER, type AuthProvider } from './auth-provider';
import { ALL_ROLES, type AuthedRequest, type Principal, toUser } from './principal';
import { SessionsService } from './sessions.service';

@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AUTH_PROVIDER) private readonly provider: AuthProvider,
    private readonly sessions: SessionsService,
    private readonly sockets: SocketHub,
    @Inject(API_OPTIONS) private readonly options: ApiModuleOptions,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(ThrottlerGuard)
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(loginRequestSchema)) body: LoginRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ user: User }> {
    const user = await this.provider.authenticate(body);
    // One message for unknown user, wrong password and disabled account: no username probing.
    if (!user) throw new ApiError(401, 'invalid-credentials', 'username or password is wrong');
    const { token, principal } = await this.sessions.start(user);
    // No Max-Age: a browser-session cookie; the server enforces idle and absolute expiry.
    res.cookie(SESSION_COOKIE_NAME, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.options.cookieSecure,
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
      secure: this.options.cookieSecure,
      path: '/',
    });
  }

  @Get('me')
  @Roles(...ALL_ROLES)
  me(@CurrentUser() me: Principal): { user: User } {
    return { user: toUser(me) };
  }
}
