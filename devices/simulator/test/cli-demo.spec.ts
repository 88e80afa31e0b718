import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../src/cli/program';
import { readState } from '../src/demo/state-file';
import type { DeviceConnection } from '../src/device/mqtt-device.client';
import { FakeVigilApi } from './support/fake-vigil-api';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const idleConnection = (): DeviceConnection => ({
  isConnected: () => false,
  publish: () => Promise.reject(new Error('offline')),
  reconnects: () => 0,
  interrupt: () => undefined,
  close: () => Promise.resolve(),
});

describe('runDemo', () => {
  let api: FakeVigilApi;
  let dir: string;
  beforeEach(async () => {
    api = new FakeVigilApi();
    dir = await mkdtemp(join(tmpdir(), 'vigil-sim-demo-'));
  });
  afterEach(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for an API that is still starting, then provisions and stops on abort', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const out: string[] = [];
    const done = runDemo(
      {
        apiUrl: `http://127.0.0.1:${port}`,
        mqttUrl: 'mqtt://127.0.0.1:1',
        username: 'admin',
        password: 'correct horse battery',
        patients: 3,
        wards: 'auto',
        state: join(dir, 'state.json'),
        speed: 1,
        malformedShare: 0,
      },
      {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => out.push(s) },
        signal: controller.signal,
        connect: idleConnection,
      },
    );
    setTimeout(() => void api.start(port), 1200);
    const deadline = Date.now() + 15_000;
    while (!out.some((line) => line.startsWith('demo ready'))) {
      if (Date.now() > deadline) throw new Error(`demo never got ready: ${out.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    await done;
    expect(api.patients).toHaveLength(3);
    expect((await readState(join(dir, 'state.json')))!.patients).toHaveLength(3);
    expect(api.count('POST', '/api/auth/login')).toBe(1);
  }, 20_000);

  it('fails at once, with the API’s reason, on a wrong password', async () => {
    const url = await api.start();
    const error = await runDemo(
      {
        apiUrl: url,
        mqttUrl: 'mqtt://127.0.0.1:1',
        username: 'admin',
        password: 'wrong',
        patients: 1,
        wards: 'auto',
        state: join(dir, 'state.json'),
        speed: 1,
        malformedShare: 0,
      },
      { stdout: { write: () => true }, stderr: { write: () => true }, signal: new AbortController().signal },
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/401 invalid-credentials/);
    expect(api.count('POST', '/api/auth/login')).toBe(1);
  });
});
