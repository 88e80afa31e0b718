// `npm test [-- nx run-many options]`: starts the engines the tests need when they are missing (PostgreSQL,
// Mosquitto, Redis, a Kafka broker, TimescaleDB; tools/test-services.mjs), runs every project's tests with nx,
// and stops what it started, whatever the outcome. A missing engine fails the run before any test: the tests
// then find KAFKA_BROKERS and TEST_TIMESCALE_URL set, and in CI (CI=true) a suite without its engine fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServices } from './test-services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

let services;
try {
  services = await startTestServices();
} catch (error) {
  console.error(`npm test: could not start the test engines: ${error.message}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const nxPackage = require.resolve('nx/package.json');
const nx = path.join(path.dirname(nxPackage), require(nxPackage).bin.nx);
const args = ['run-many', '-t', 'test', '--parallel=2', '--outputStyle=static', ...process.argv.slice(2)];
const child = spawn(process.execPath, [nx, ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...services.env },
});

let stopped = false;
const stopServices = () => {
  if (stopped) return;
  stopped = true;
  services.stop();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  stopServices();
  process.exit(code ?? (signal ? 1 : 0));
});
