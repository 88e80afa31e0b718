import { pinoNestLogger } from './pino-nest-logger';

describe('pinoNestLogger', () => {
  it('maps Nest levels to pino, keeping the context and the stack of an error', () => {
    const calls: [string, object, string][] = [];
    const record = (level: string) => (details: object, message: string) =>
      calls.push([level, details, message]);
    const logger = pinoNestLogger({
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      trace: record('trace'),
    });
    logger.log('started', 'scorer');
    logger.warn('slow', 'scorer');
    logger.error('timers failed', 'Error: boom\n    at x', 'scorer');
    logger.debug?.('detail');
    expect(calls).toEqual([
      ['info', { context: 'scorer' }, 'started'],
      ['warn', { context: 'scorer' }, 'slow'],
      ['error', { context: 'scorer', stack: 'Error: boom\n    at x' }, 'timers failed'],
      ['debug', { context: undefined }, 'detail'],
    ]);
  });
});
