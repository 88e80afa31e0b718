import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FatalWaitError, freePort, isListening, waitFor } from './wait';

/** The ACL shipped for production Mosquitto (infra/mosquitto/acl), used as is. */
export const SHIPPED_ACL = path.resolve(__dirname, '../../../../infra/mosquitto/acl');
const MOSQUITTO = '/usr/sbin/mosquitto';

export interface MosquittoProcess {
  url: string;
  port: number;
  /** Adds (or replaces) a credential in the password file and makes the broker reload it (SIGHUP). */
  addUsers(users: { username: string; password: string }[]): void;
  /** A clean stop (SIGTERM: Mosquitto writes its persistence file) and a start on the same port and data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
  pid(): number | undefined;
}

/**
 * Our own Mosquitto 2 on a free loopback port, configured like infra/mosquitto (password file, the
 * shipped ACL, persistent sessions saved to disk) so a broker restart keeps queued QoS 1 messages. Never
 * the system broker on 1883: other suites use it.
 */
export async function startMosquitto(
  users: { username: string; password: string }[],
): Promise<MosquittoProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-faults-mosquitto-'));
  const passwd = path.join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const u of users) execFileSync('mosquitto_passwd', ['-b', passwd, u.username, u.password]);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${SHIPPED_ACL}`,
      `listener ${port} 127.0.0.1`,
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 1000000',
      'max_inflight_messages 100',
      // Mosquitto refuses to run as root unless told which user to drop to.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );

  let child: ChildProcess | null = null;
  let stderr = '';
  const launch = async () => {
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child = proc;
    await waitFor('mosquitto listening', 10_000, async () => {
      if (proc.exitCode !== null) throw new FatalWaitError(`mosquitto exited (${proc.exitCode}): ${stderr}`);
      return isListening(port);
    });
  };
  const halt = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });

  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    addUsers(more) {
      for (const u of more) execFileSync('mosquitto_passwd', ['-b', passwd, u.username, u.password]);
      (child as ChildProcess | null)?.kill('SIGHUP');
    },
    async restart(downMs) {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    pid: () => (child as ChildProcess | null)?.pid,
  };
}
