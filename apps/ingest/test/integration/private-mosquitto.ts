import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PrivateMosquitto {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Debian's Mosquitto 2 on a free loopback port with the ACL shipped in infra/mosquitto and a password file
 * made by `mosquitto_passwd`, as an operator sets it up (docs/operations.md). Never the shared one on 1883:
 * other tests' ingest instances subscribe there with the same shared-subscription group.
 */
export async function startPrivateMosquitto(
  users: readonly { username: string; password: string }[],
): Promise<PrivateMosquitto> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ingest-app-mosquitto-'));
  const passwd = path.join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const user of users) execFileSync('mosquitto_passwd', ['-b', passwd, user.username, user.password]);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  const acl = path.join(__dirname, '../../../../infra/mosquitto/acl');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${acl}`,
      `listener ${port} 127.0.0.1`,
      'persistence false',
      // Mosquitto refuses to run as root unless told which user to be.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await accepting(port))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`mosquitto did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
