import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './vigil-process';
import { isListening } from './wait';

const run = promisify(execFile);
const KAFKA_SH = path.join(REPO_ROOT, 'infra/kafka/kafka.sh');

export interface KafkaProcess {
  brokers: string;
  port: number;
  /** A clean stop (SIGTERM: the broker flushes and closes its log) and a start on the same port and data. */
  restart(downMs: number): Promise<{ stopMs: number; startMs: number }>;
  stop(): Promise<void>;
  pid(): number | undefined;
}

/**
 * A free port whose next port is free too (the broker's controller listens on port + 1), below the kernel's
 * ephemeral range (32768+): a port handed to a client socket meanwhile could take the controller's port
 * between this check and the broker's bind (seen once in the benchmark right after 10,000 connections).
 */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 6_000);
    if (!(await isListening(port)) && !(await isListening(port + 1))) return port;
  }
  throw new Error('no free port pair for a private Kafka broker between 20000 and 32000');
}

/**
 * Our own single-node Kafka (infra/kafka/kafka.sh: KRaft broker + controller in one JVM) on free loopback
 * ports with its data in a temporary folder — never the broker `npm test` or anyone else runs on 9092.
 */
export async function startKafka(): Promise<KafkaProcess> {
  const port = await freePortPair();
  const state = mkdtempSync(path.join(tmpdir(), 'vigil-faults-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_STATE_DIR: state,
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  const script = async (...args: string[]) => {
    try {
      await run('bash', [KAFKA_SH, ...args], { env, cwd: REPO_ROOT, maxBuffer: 4 << 20 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`kafka.sh ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
    }
  };
  await script('start', '--fresh');
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    async restart(downMs) {
      const t0 = Date.now();
      await script('stop');
      const stopMs = Date.now() - t0;
      await new Promise((r) => setTimeout(r, downMs));
      const t1 = Date.now();
      await script('start');
      return { stopMs, startMs: Date.now() - t1 };
    },
    async stop() {
      await script('stop').catch(() => undefined);
      rmSync(state, { recursive: true, force: true });
    },
    pid() {
      try {
        return Number(readFileSync(path.join(state, 'broker.pid'), 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
  };
}
