import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIMULATOR_ENTRY, startDemoFleet } from './demo-fleet';

// A stand-in for the simulator's CLI: reports what it was given, then runs until SIGTERM.
const FAKE_SIMULATOR = `
console.log('args ' + JSON.stringify(process.argv.slice(2)));
console.log('password ' + process.env.VIGIL_SIMULATOR_PASSWORD);
process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
setInterval(() => {}, 1000);
`;

describe('startDemoFleet', () => {
  let rootDir: string;

  beforeEach(async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), 'vigil-fleet-'));
  });

  afterEach(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  const options = (log: (line: string) => void) => ({
    rootDir,
    apiUrl: 'http://127.0.0.1:3000',
    mqttUrl: 'mqtt://127.0.0.1:1884',
    username: 'admin',
    password: 'demo-password',
    patients: 7,
    stateFile: path.join(rootDir, 'demo-fleet.json'),
    log,
  });

  it('says the fleet is unavailable, and starts nothing, when the simulator is not built', () => {
    const lines: string[] = [];
    expect(startDemoFleet(options((line) => lines.push(line)))).toBeNull();
    expect(lines.join('\n')).toContain('demo fleet unavailable');
  });

  it('runs the simulator with the agreed arguments, prefixes its output, and stops it with SIGTERM', async () => {
    const entry = path.join(rootDir, SIMULATOR_ENTRY);
    await mkdir(path.dirname(entry), { recursive: true });
    await writeFile(entry, FAKE_SIMULATOR);
    const lines: string[] = [];
    const fleet = startDemoFleet(options((line) => lines.push(line)))!;
    expect(fleet).not.toBeNull();
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.startsWith('[demo] password')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const args = JSON.parse(
      lines.find((l) => l.startsWith('[demo] args '))!.slice('[demo] args '.length),
    ) as string[];
    expect(args).toEqual([
      'demo',
      '--api-url',
      'http://127.0.0.1:3000',
      '--mqtt-url',
      'mqtt://127.0.0.1:1884',
      '--username',
      'admin',
      '--patients',
      '7',
      '--state',
      path.join(rootDir, 'demo-fleet.json'),
    ]);
    // The password travels in the environment, never on the command line.
    expect(lines).toContain('[demo] password demo-password');

    await fleet.stop();
    expect(await fleet.exited).toBe(0);
    expect(lines).toContain('[demo] stopping');
    expect(lines.some((l) => l.includes('exited'))).toBe(false);
  });
});
