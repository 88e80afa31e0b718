import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log';

describe('kafkaLogCreator', () => {
  it('writes kafkajs entries to the matching level of the service logger, with the namespace', () => {
    const calls: [string, object, string][] = [];
    const logger = {
      error: (d: object, m: string) => calls.push(['error', d, m]),
      warn: (d: object, m: string) => calls.push(['warn', d, m]),
      info: (d: object, m: string) => calls.push(['info', d, m]),
      debug: (d: object, m: string) => calls.push(['debug', d, m]),
    };
    const write = kafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Connection',
      level,
      label: 'x',
      log: { timestamp: 't', message, broker: 'k:9092' },
    });
    write(entry(logLevel.ERROR, 'refused'));
    write(entry(logLevel.WARN, 'slow'));
    write(entry(logLevel.INFO, 'joined'));
    write(entry(logLevel.DEBUG, 'fetch'));
    expect(calls).toEqual([
      ['error', { kafkajs: 'Connection', broker: 'k:9092' }, 'refused'],
      ['warn', { kafkajs: 'Connection', broker: 'k:9092' }, 'slow'],
      ['info', { kafkajs: 'Connection', broker: 'k:9092' }, 'joined'],
      ['debug', { kafkajs: 'Connection', broker: 'k:9092' }, 'fetch'],
    ]);
  });
});
