import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEVICE_KIND_VALUES } from '@vigil/contracts';
import { z } from 'zod';
import { SCENARIO_KINDS } from '../scenarios/vitals';

/**
 * What the demo provisioned: patients and devices with their secrets. The secrets are shown once by
 * the API, so this file is the only copy: written with mode 0600, replaced atomically, and saved
 * after every new device so a crash half-way loses nothing.
 */
export const simulatorStateSchema = z.object({
  version: z.literal(1),
  apiUrl: z.string().min(1),
  seed: z.number().int(),
  patients: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      patientId: z.string().min(1),
      nhsNumber: z.string().regex(/^[0-9]{10}$/),
      wardId: z.string().min(1),
      scenario: z.enum(SCENARIO_KINDS),
      spo2Scale: z.union([z.literal(1), z.literal(2)]),
    }),
  ),
  devices: z.array(
    z.object({
      id: z.string().min(1),
      kind: z.enum(DEVICE_KIND_VALUES),
      style: z.enum(['json', 'gatt-hub', 'batch-hub', 'falls', 'scale']),
      secret: z.string().min(1),
      patientIndex: z.number().int().nonnegative(),
      patientId: z.string().min(1),
    }),
  ),
});
export type SimulatorState = z.infer<typeof simulatorStateSchema>;

export class StateFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`state file ${path}: ${message}`);
    this.name = 'StateFileError';
  }
}

/** The saved state, or null when there is no file yet. A file that exists but is not valid state is an error. */
export async function readState(path: string): Promise<SimulatorState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(path, `cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StateFileError(path, 'is not JSON');
  }
  const parsed = simulatorStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(
      path,
      `is not simulator state (${issue.path.join('.') || '(root)'}: ${issue.message})`,
    );
  }
  return parsed.data;
}

/** Writes the state readable by its owner only, replacing any old file in one step. */
export async function writeState(path: string, state: SimulatorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask and ignored for an existing file: set it outright.
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
