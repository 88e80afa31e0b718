import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  type AccessCodeView,
  type IssueAccessCodeRequest,
  issueAccessCodeRequestSchema,
  type IssuedAccessCode,
  type PhoneReportRequest,
  phoneReportRequestSchema,
  type ReportedAnswersView,
} from '@vigil/contracts';
import { EN_GB, format } from '@vigil/questionnaires';
import type { AccessCodeRecord } from '@vigil/storage';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { answersView } from './answers-view';
import { PATIENT_BASE } from './patient-page';
import { PatientReportingService } from './patient-reporting.service';

const PatientId = new UuidPipe('patient');
const CodeId = new UuidPipe('access code');

export function accessCodeView(r: AccessCodeRecord, now = new Date()): AccessCodeView {
  return {
    id: r.id,
    label: r.label,
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    state: r.revokedAt ? 'revoked' : r.expiresAt <= now ? 'expired' : 'live',
  };
}

/** Staff side of patient reporting (issue 14): access codes and reported answers of a patient. */
@Controller('patients/:id')
export class PatientReportingController {
  constructor(private readonly reporting: PatientReportingService) {}

  @Get('access-codes')
  @Roles('nurse', 'clinician', 'admin')
  async codes(@CurrentUser() me: Principal, @Param('id', PatientId) id: string): Promise<AccessCodeView[]> {
    return (await this.reporting.listCodes(me, id)).map((r) => accessCodeView(r));
  }

  @Post('access-codes')
  @Roles('nurse', 'clinician', 'admin')
  async issue(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(issueAccessCodeRequestSchema)) body: IssueAccessCodeRequest,
  ): Promise<IssuedAccessCode> {
    const { code, record } = await this.reporting.issueCode(me, id, body);
    return { ...accessCodeView(record), code, linkPath: `${PATIENT_BASE}/c/${code}` };
  }

  @Post('access-codes/:codeId/revoke')
  @HttpCode(204)
  @Roles('nurse', 'clinician', 'admin')
  async revoke(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Param('codeId', CodeId) codeId: string,
  ): Promise<void> {
    await this.reporting.revokeCode(me, id, codeId);
  }

  @Get('reported-answers')
  @Roles('nurse', 'clinician', 'admin', 'coordinator')
  async answers(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
  ): Promise<ReportedAnswersView[]> {
    return (await this.reporting.listAnswers(me, id)).map(answersView);
  }

  /** A nurse records answers given over the phone; 201 with the record, 400 naming each question at fault. */
  @Post('reported-answers')
  @Roles('nurse', 'clinician')
  async byPhone(
    @CurrentUser() me: Principal,
    @Param('id', PatientId) id: string,
    @Body(new ZodPipe(phoneReportRequestSchema)) body: PhoneReportRequest,
  ): Promise<ReportedAnswersView> {
    const result = await this.reporting.reportByPhone(me, id, body.kind, body.answers);
    if (!result.ok) {
      throw ApiError.invalid(
        'some answers are missing or not valid',
        result.errors.map((e) => ({
          path: `answers.${e.questionId}`,
          message: format(EN_GB[e.message], e.params),
        })),
      );
    }
    return answersView(result.stored);
  }
}
