import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AlertActionError } from '@vigil/alerting';
import { RegistryError } from '@vigil/storage';
import { toApiError } from './api-exception.filter';

describe('toApiError', () => {
  it('maps domain errors to specific codes and statuses', () => {
    expect(toApiError(new RegistryError('conflict', 'taken'))).toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'taken',
    });
    expect(toApiError(new RegistryError('invalid', 'bad'))).toMatchObject({
      status: 400,
      code: 'validation-failed',
    });
    expect(toApiError(new AlertActionError('invalid-transition', 'no'))).toMatchObject({
      status: 409,
      code: 'invalid-transition',
    });
    expect(toApiError(new ThrottlerException())).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(toApiError(new NotFoundException())).toMatchObject({ status: 404, code: 'not-found' });
  });

  it("HZ-10 an action on an alert that changed since it was seen is a 409 alert-changed, in the domain's words", () => {
    const message =
      'This alert changed to High (from Medium) since you opened it: review it before acknowledging.';
    expect(toApiError(new AlertActionError('changed', message))).toMatchObject({
      status: 409,
      code: 'alert-changed',
      message,
    });
  });

  it('HZ-14 keeps a failed health check a 503 (unavailable), never a 500 that reads as a crash', () => {
    // What terminus throws when the database indicator is down.
    const down = new ServiceUnavailableException({
      status: 'error',
      error: { database: { status: 'down' } },
    });
    expect(toApiError(down)).toMatchObject({ status: 503, code: 'unavailable' });
  });

  it('hides anything unexpected behind a generic 500', () => {
    const e = toApiError(
      Object.assign(new Error('duplicate key value violates "patients" (nhs_number)=(9434765919)'), {
        code: '23505',
      }),
    );
    expect(e).toMatchObject({ status: 500, code: 'internal-error' });
    expect(e.message).not.toMatch(/9434765919|patients/);
  });
});
