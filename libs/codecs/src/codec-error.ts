/** Why a codec refused its input. */
export type CodecErrorCode =
  | 'invalid-raw'
  | 'invalid-input'
  | 'too-short'
  | 'length-mismatch'
  | 'trailing-bytes'
  | 'unsupported-characteristic';

/**
 * Thrown by every decoder for input it cannot decode completely. Decoders never return a partial
 * result: either the whole value decodes, or this is thrown.
 */
export class CodecError extends Error {
  override readonly name = 'CodecError';

  constructor(
    readonly code: CodecErrorCode,
    message: string,
  ) {
    super(message);
  }
}
