// The fault-injection suite (`npm run test:faults`, `npm run test:faults:short`): never part of `npm test`.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'loadgen-faults',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  // One environment (Mosquitto + Vigil + a database) shared by the rounds of one file, run in order.
  maxWorkers: 1,
  testTimeout: 15 * 60 * 1000,
};
