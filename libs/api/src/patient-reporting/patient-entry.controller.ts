import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { messagesFor } from '@vigil/questionnaires';
import type { PatientSessionRecord } from '@vigil/storage';
import type { Request, Response } from 'express';
import { API_OPTIONS, type ApiModuleOptions } from '../api.options';
import { Public } from '../auth/auth.decorators';
import { cookieSecure } from '../auth/auth.controller';
import {
  confirmPage,
  donePage,
  notThemPage,
  type PageContext,
  PATIENT_BASE,
  PATIENT_CSS,
  questionnairePage,
  signInPage,
} from './patient-page';
import { formToken, PatientReportingService, type QuestionnaireKind } from './patient-reporting.service';

/** The patient session cookie: its own name and path, never the staff session's. */
export const PATIENT_COOKIE = 'vigil_patient';

let nhsCss: string | undefined;
function nhsStylesheet(): string {
  nhsCss ??= readFileSync(require.resolve('nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'), 'utf8');
  return nhsCss;
}

/**
 * The patient and carer page (issue 14) at `/p`: server-rendered forms, no JavaScript. Public to the staff
 * session guard: it has its own session, opened by an access code (`PatientReportingService`). Every form
 * carries an anti-forgery token derived from the session, beside the SameSite=Strict cookie and the Origin
 * check every write gets.
 */
@Public()
@Controller('p')
export class PatientEntryController {
  constructor(
    private readonly reporting: PatientReportingService,
    @Inject(API_OPTIONS) private readonly options: ApiModuleOptions,
  ) {}

  @Get('assets/nhsuk.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  nhsCss(): string {
    return nhsStylesheet();
  }

  @Get('assets/patient.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  patientCss(): string {
    return PATIENT_CSS;
  }

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessionOf(req);
    if (!session) return this.html(res, signInPage(this.ctx(req)));
    if (!session.reporter) return res.redirect(303, `${PATIENT_BASE}/confirm`);
    res.redirect(303, await this.firstForm(session));
  }

  @Get('sign-in')
  signInForm(@Req() req: Request, @Res() res: Response): void {
    this.html(res, signInPage(this.ctx(req)));
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const typed = typeof req.body?.code === 'string' ? (req.body.code as string) : '';
    return this.openWith(typed, req, res);
  }

  /** The link the ward sends: `/p/c/KX7P-4MRT-Q9` signs in, then leaves the code out of the address bar. */
  @Get('c/:code')
  async link(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.openWith(code, req, res);
  }

  @Get('confirm')
  async confirmForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.requireSession(req, res);
    if (!session) return;
    this.html(res, confirmPage(this.ctx(req, true), session));
  }

  @Post('confirm')
  async confirm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.requireSession(req, res, true);
    if (!session) return;
    const who = req.body?.who;
    if (who === 'not-them') {
      // HZ-40: the wrong person's record: end the session and say what to do; nothing was sent.
      await this.reporting.signOut(this.token(req));
      this.clearCookie(req, res);
      return this.html(res, notThemPage(this.ctx(req)));
    }
    if (who !== 'patient' && who !== 'carer') {
      return this.html(res, confirmPage(this.ctx(req, true), session, true), 400);
    }
    await this.reporting.confirm(session, who);
    res.redirect(303, await this.firstForm(session));
  }

  @Get('check-in')
  async checkInForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.showForm('check-in', req, res);
  }

  @Post('check-in')
  async checkIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.submit('check-in', req, res);
  }

  @Get('fall')
  async fallForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.showForm('post-fall', req, res);
  }

  @Post('fall')
  async fall(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.submit('post-fall', req, res);
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.requireSession(req, res, true);
    if (!session) return;
    await this.reporting.signOut(this.token(req));
    this.clearCookie(req, res);
    res.redirect(303, `${PATIENT_BASE}/sign-in`);
  }

  // ---------------------------------------------------------------------------------------------------------

  private async openWith(typed: string, req: Request, res: Response): Promise<void> {
    const result = await this.reporting.signIn(typed, req.ip ?? 'unknown');
    if (!result.ok) {
      const error =
        result.reason === 'missing'
          ? 'signIn.codeMissing'
          : result.reason === 'wrong'
            ? 'signIn.codeWrong'
            : 'signIn.tooMany';
      const status = result.reason === 'too-many' ? 429 : result.reason === 'wrong' ? 401 : 400;
      return this.html(res, signInPage(this.ctx(req), { error, value: typed.slice(0, 20) }), status);
    }
    res.cookie(PATIENT_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: cookieSecure(this.options, req),
      path: PATIENT_BASE,
    });
    res.redirect(303, `${PATIENT_BASE}/confirm`);
  }

  /** Issue 14 (HZ-68): after a fall with no answers about it yet, the questions about the fall come first. */
  private async firstForm(session: PatientSessionRecord): Promise<string> {
    const fall = await this.reporting.fallAwaiting(session.patientId);
    return `${PATIENT_BASE}/${fall ? 'fall' : 'check-in'}`;
  }

  private async showForm(kind: QuestionnaireKind, req: Request, res: Response): Promise<void> {
    const session = await this.requireSession(req, res);
    if (!session) return;
    if (!session.reporter) return res.redirect(303, `${PATIENT_BASE}/confirm`);
    const fall = kind === 'post-fall' ? await this.reporting.fallAwaiting(session.patientId) : null;
    this.html(res, this.form(kind, req, session, undefined, undefined, fall?.at));
  }

  private form(
    kind: QuestionnaireKind,
    req: Request,
    session: PatientSessionRecord,
    values?: Record<string, unknown>,
    errors?: Parameters<typeof questionnairePage>[2]['errors'],
    fallAt?: Date,
  ): string {
    return questionnairePage(this.ctx(req, true), this.reporting.questionnaireOf(session, kind), {
      name: session.givenName,
      self: session.reporter === 'patient',
      action: `${PATIENT_BASE}/${kind === 'post-fall' ? 'fall' : 'check-in'}`,
      values,
      errors,
      fallLink: kind === 'check-in' ? `${PATIENT_BASE}/fall` : undefined,
      fallAt,
    });
  }

  private async submit(kind: QuestionnaireKind, req: Request, res: Response): Promise<void> {
    const session = await this.requireSession(req, res, true);
    if (!session) return;
    if (!session.reporter) return res.redirect(303, `${PATIENT_BASE}/confirm`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await this.reporting.submitFromSession(session, kind, body);
    if (!result.ok) {
      if ('rateLimited' in result) {
        return this.html(res, signInPage(this.ctx(req), { error: 'signIn.tooMany' }), 429);
      }
      return this.html(res, this.form(kind, req, session, body, result.errors), 400);
    }
    this.html(
      res,
      donePage(this.ctx(req, true), {
        advice: result.advice,
        sentAt: result.answeredAt,
        name: session.givenName,
      }),
    );
  }

  private token(req: Request): string | undefined {
    return (req.cookies as Record<string, string> | undefined)?.[PATIENT_COOKIE];
  }

  private async sessionOf(req: Request): Promise<PatientSessionRecord | null> {
    return this.reporting.session(this.token(req));
  }

  /** The session, or the sign-in page (session over); for a form, its anti-forgery token must match too. */
  private async requireSession(
    req: Request,
    res: Response,
    form = false,
  ): Promise<PatientSessionRecord | null> {
    const token = this.token(req);
    const session = await this.reporting.session(token);
    if (!session || !token) {
      this.html(res, signInPage(this.ctx(req), { error: token ? 'signIn.expired' : undefined }), 401);
      return null;
    }
    if (form && req.body?._form !== formToken(token)) {
      this.html(res, signInPage(this.ctx(req), { error: 'signIn.expired' }), 403);
      return null;
    }
    return session;
  }

  private ctx(req: Request, signedIn = false): PageContext {
    const token = this.token(req);
    return {
      m: messagesFor(undefined),
      signedIn: signedIn && Boolean(token),
      formToken: token ? formToken(token) : undefined,
    };
  }

  private clearCookie(req: Request, res: Response): void {
    res.clearCookie(PATIENT_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: cookieSecure(this.options, req),
      path: PATIENT_BASE,
    });
  }

  private html(res: Response, html: string, status = 200): void {
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    // Plain form posts carry `Origin: null` under `no-referrer`, and the Origin check refuses them: these pages
    // send their origin to themselves only (never a referrer elsewhere: the sign-in link holds a code).
    res.setHeader('Referrer-Policy', 'same-origin');
    res.send(html);
  }
}
