import { HttpStatus } from '@nestjs/common';

/** An error the client should see as-is: a status, a kebab-case code and a specific message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static notSignedIn(message = 'sign in to continue'): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, 'not-signed-in', message);
  }

  static forbidden(message = 'your role does not allow this'): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'forbidden', message);
  }

  /**
   * Out-of-scope records answer 404 like missing ones, so a nurse cannot probe which ids exist on
   * other wards.
   */
  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not-found', `${what} not found`);
  }

  static conflict(message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, 'conflict', message);
  }

  static invalid(message: string, fields?: { path: string; message: string }[]): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, 'validation-failed', message, fields);
  }
}
