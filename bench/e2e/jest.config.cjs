// Unit tests of the benchmark's pure helpers (percentiles, the step-pass rule). Not part of `npm test`
// (no Nx project here); run with `npx jest -c bench/e2e/jest.config.cjs`.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'bench-e2e',
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  testMatch: ['<rootDir>/**/*.spec.cjs'],
};
