import { CommanderError } from 'commander';
import { buildProgram, type CliIo } from './program';

function cli(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    signal: new AbortController().signal,
  };
  return { io, out, err };
}

async function parseError(args: string[]): Promise<{ error: CommanderError; err: string }> {
  const { io, err } = cli();
  const program = buildProgram(io).exitOverride();
  program.commands.forEach((c) => c.exitOverride());
  const error = (await program
    .parseAsync(['node', 'sim', ...args])
    .catch((e: unknown) => e)) as CommanderError;
  expect(error).toBeInstanceOf(CommanderError);
  return { error, err: err.join('') };
}

const demoArgs = [
  'demo',
  '--api-url',
  'http://127.0.0.1:1',
  '--mqtt-url',
  'mqtt://127.0.0.1:1',
  '--username',
  'admin',
  '--password',
  'pw',
  '--state',
  '/tmp/never-written.json',
];

describe('simulator command line', () => {
  it('requires the API URL for demo, naming the option', async () => {
    const { err } = await parseError(
      demoArgs.filter((a, i) => a !== '--api-url' && demoArgs[i - 1] !== '--api-url'),
    );
    expect(err).toMatch(/--api-url/);
  });

  it('rejects a patient count that is not a positive whole number', async () => {
    const { err } = await parseError([...demoArgs, '--patients', '0']);
    expect(err).toMatch(/--patients.*whole number of at least 1/s);
  });

  it('rejects a ward count other than a number or auto, and a speed of 0', async () => {
    expect((await parseError([...demoArgs, '--wards', 'some'])).err).toMatch(/--wards/);
    expect((await parseError([...demoArgs, '--speed', '0'])).err).toMatch(/--speed/);
  });

  it('rejects a malformed URL', async () => {
    const args = demoArgs.map((a) => (a === 'mqtt://127.0.0.1:1' ? 'not a url' : a));
    expect((await parseError(args)).err).toMatch(/--mqtt-url.*expected a URL/s);
  });

  it('run requires a state file and says so when it is missing', async () => {
    expect((await parseError(['run', '--mqtt-url', 'mqtt://127.0.0.1:1'])).err).toMatch(/--state/);
    const { io } = cli();
    const program = buildProgram(io);
    await expect(
      program.parseAsync([
        'node',
        'sim',
        'run',
        '--state',
        '/nonexistent/state.json',
        '--mqtt-url',
        'mqtt://x:1',
      ]),
    ).rejects.toThrow(/does not exist: run `demo` first/);
  });
});
