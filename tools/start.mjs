// `npm start [-- --no-demo]`: builds what is missing or stale, then runs the embedded runtime
// (dist/apps/vigil/src/main.js) in THIS process, so Ctrl-C reaches one Node process that stops everything.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'test') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function buildConsoleIfStale() {
  const config = path.join(root, 'apps/console/vite.config.ts');
  if (!existsSync(config) || !existsSync(path.join(root, 'apps/console/index.html'))) {
    console.log('vigil: no console sources (apps/console); starting the api only');
    return;
  }
  const builtAt = newestMtime(path.join(root, 'dist/apps/console/index.html'));
  // The console bundles the shared libs it imports, so their sources count too.
  const sourcesAt = Math.max(
    newestMtime(path.join(root, 'apps/console')),
    newestMtime(path.join(root, 'libs/contracts/src')),
    newestMtime(path.join(root, 'libs/clinical/src')),
  );
  if (builtAt >= sourcesAt) return;
  console.log(`vigil: building the console (${builtAt ? 'sources changed' : 'first build'})…`);
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'error'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  if (result.status !== 0) {
    console.error('vigil: the console build failed (see above); starting without a fresh console');
  }
}

try {
  buildConsoleIfStale();
  await build({ quiet: true });
} catch (error) {
  console.error(`vigil: build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

createRequire(import.meta.url)(path.join(root, 'dist/apps/vigil/src/main.js'));
