import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';

/** The repository root, where `dist/apps/vigil/src/main.js` is built. */
export const ROOT = path.join(__dirname, '../../../../..');

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Started {
  child: ChildProcess;
  httpUrl: string;
  output: () => string;
  exit: Promise<number | null>;
}

/** Runs `main.js` (of `root`, from `cwd`) as `npm start` does and waits for the line with its address. */
export function spawnVigil(
  env: NodeJS.ProcessEnv,
  args: string[] = ['--no-demo'],
  root = ROOT,
  cwd = root,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/vigil/src/main.js'), ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

export async function start(
  env: NodeJS.ProcessEnv,
  args: string[] = ['--no-demo'],
  root = ROOT,
  cwd = root,
): Promise<Started> {
  const { child, output, exit } = spawnVigil(env, args, root, cwd);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /(?:Open the console: |the api runs at )(http:\/\/localhost:\d+)/.exec(output());
    if (match) return { child, httpUrl: match[1].replace('localhost', '127.0.0.1'), output, exit };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`vigil did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
