import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerParams } from './logger.options';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('loggerParams', () => {
  const params = loggerParams({ logLevel: 'info' });
  const http = params.pinoHttp as pino.LoggerOptions;

  it('logs a request as method, path and id: no query string, no cookie, no authorization', () => {
    const { lines, stream } = capture();
    const logger = pino({ serializers: http.serializers, redact: http.redact }, stream);
    logger.info(
      {
        req: {
          id: 7,
          method: 'GET',
          url: '/api/patients?nhsNumber=9434765919',
          headers: { cookie: 'vigil_session=secret-token', authorization: 'Bearer x' },
        },
      },
      'request completed',
    );
    const out = lines.join('');
    expect(JSON.parse(out).req).toEqual({ id: 7, method: 'GET', url: '/api/patients' });
    expect(out).not.toMatch(/secret-token|9434765919|Bearer/);
  });

  it('censors credentials even when logged outside a request', () => {
    const { lines, stream } = capture();
    const logger = pino({ redact: http.redact }, stream);
    logger.info({ headers: { cookie: 'vigil_session=secret-token' } }, 'handshake');
    expect(lines.join('')).not.toContain('secret-token');
    expect(JSON.parse(lines[0]).headers.cookie).toBe('[redacted]');
  });
});
