import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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
  const conf = join(dir, 'mosquitto.conf');
  const writeConf = (port: number) => {
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
        // Mosquitto refuses to run as root unless told which user to drop to.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        '',
      ].join('\n'),
    );
  };
  // A port free a moment ago may be taken by a parallel test before Mosquitto binds it: then a new one.
  let port = 0;
  let child: ChildProcess | null = null;
  for (let attempt = 1; child === null; attempt += 1) {
    port = await freePort();
    writeConf(port);
    try {
      child = await spawnMosquitto(conf, port);
    } catch (error) {
      if (attempt >= 5 || !/Address already in use/.test(String(error))) throw error;
    }
  }
  let running: ChildProcess = child;
  const stopChild = () =>
    new Promise<void>((res) => {
      if (running.exitCode !== null) return res();
      running.once('exit', () => res());
      running.kill('SIGTERM');
    });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await stopChild();
      running = await spawnMosquitto(conf, port);
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
    // Probed by connecting, never by listening: a probe that binds the port for a moment makes Mosquitto's own
    // bind fail ("Address already in use", seen in CI).
    const up = await new Promise<boolean>((res) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        res(true);
      });
      socket.once('error', () => res(false));
    });
    // "… running" is logged once every listener is bound: a connect alone could reach another server that took
    // the port while this Mosquitto fails to bind it.
    if (up && child.exitCode === null && /\brunning\b/.test(stderr)) return child;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`mosquitto did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
