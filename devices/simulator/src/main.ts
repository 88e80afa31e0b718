import { buildProgram } from './cli/program';

// The embedded runtime spawns `demo` as a child and stops it with SIGTERM; Ctrl-C sends SIGINT.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

buildProgram({ stdout: process.stdout, stderr: process.stderr, signal: controller.signal })
  .parseAsync(process.argv)
  .then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`vigil-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
