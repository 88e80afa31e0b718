module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'stream',
  // Lists every case in the CI log: the Kafka contract's cases must be seen to run (0 skipped).
  verbose: true,
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
};
