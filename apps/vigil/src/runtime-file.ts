import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a running `npm start` tells tools beside it (the CLI) about where it listens. */
export interface RuntimeInfo {
  pid: number;
  httpUrl: string;
  mqttUrl: string;
}

export function runtimeFile(stateDir: string): string {
  return path.join(stateDir, 'runtime.json');
}

/** The running instance's addresses, or null when none is running (or it was killed without cleaning up). */
export async function readRuntimeInfo(stateDir: string): Promise<RuntimeInfo | null> {
  try {
    const info = JSON.parse(await readFile(runtimeFile(stateDir), 'utf8')) as RuntimeInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}
