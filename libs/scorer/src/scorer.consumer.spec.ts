import { isInfrastructureError } from './scorer.consumer';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isInfrastructureError (what the scorer waits out instead of dead-lettering)', () => {
  it.each([
    ['PostgreSQL connection failure', withCode('connection failure', '08006')],
    ['PostgreSQL admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL deadlock', withCode('deadlock detected', '40P01')],
    ['refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pg lost its connection', new Error('Connection terminated unexpectedly')],
    ['kafkajs', Object.assign(new Error('broker down'), { name: 'KafkaJSNumberOfRetriesExceeded' })],
  ])('%s is transient', (_name, error) => {
    expect(isInfrastructureError(error)).toBe(true);
  });

  it.each([
    ['a constraint violation', withCode('null value in column', '23502')],
    ['invalid input', withCode('invalid input syntax for type uuid', '22P02')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'value')")],
    ['not an Error', 'boom'],
  ])('%s is the record’s own problem', (_name, error) => {
    expect(isInfrastructureError(error)).toBe(false);
  });
});
