module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api',
  // Each integration file boots the api on a real PostgreSQL in beforeAll; on a loaded 2-core machine that
  // passed jest's 5 s default now and then (seen in CI-like runs), so hooks and tests get 30 s.
  testTimeout: 30_000,
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
};
