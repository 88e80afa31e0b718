// Fast unit tests only (`npm test`); the fault-injection suite has its own config (jest.faults.config.cjs).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'loadgen',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
