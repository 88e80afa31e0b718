import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The ACL shipped for production Mosquitto, used as is by the tests. */
export const SHIPPED_ACL = resolve(__dirname, '../../../infra/mosquitto/acl');
/** The shipped Mosquitto config: its limits (`max_packet_size`, …) are used as is by the tests. */
export const SHIPPED_CONF = resolve(__dirname, '../../../infra/mosquitto/mosquitto.conf');

/** The shipped config's limit lines (issue 12, D1/D2), so the tests run with the limits production has. */
function shippedLimits(): string[] {
  return readFileSync(SHIPPED_CONF, 'utf8')
    .split('\n')
    .filter((line) => /^(max_packet_size|max_connections|max_keepalive)\s/.test(line));
}

export interface MosquittoInstance {
  url: string;
  port: number;
  /** Stops and starts the same broker (same port, config and, with persistence, its saved sessions). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for servers a test starts). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => res(port));
    });
  });
}

/**
 * Starts a real Mosquitto (Debian's) on a free loopback port with the shipped ACL and a password
 * file written by `mosquitto_passwd`, as provisioning does in production. Never the shared one on 1883:
 * other tests' ingest instances subscribe there too.
 */
export async function startMosquitto(
  users: readonly { username: string; password: string }[],
  options: { persistence?: boolean } = {},
): Promise<MosquittoInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mosquitto-'));
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const u of users) execFileSync('mosquitto_passwd', ['-b', passwd, u.username, u.password]);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${SHIPPED_ACL}`,
      `listener ${port} 127.0.0.1`,
      ...(options.persistence
        ? ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1']
        : ['persistence false']),
      'max_queued_messages 100000',
      ...shippedLimits(),
      '',
    ].join('\n'),
  );
  // Mosquitto refuses to run as root unless told which user to drop to.
  if (process.getuid?.() === 0) writeFileSync(conf, `${readFileSync(conf, 'utf8')}user root\n`);
  let child: ChildProcess = await spawnMosquitto(conf, port);
  const stopChild = () =>
    new Promise<void>((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await stopChild();
      child = await spawnMosquitto(conf, port);
    },
    stop: async () => {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function spawnMosquitto(conf: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(true));
      s.listen(port, '127.0.0.1', () => s.close(() => res(false)));
    });
    if (up) return child;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`mosquitto did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
