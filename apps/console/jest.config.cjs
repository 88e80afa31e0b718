// Logic lives in plain .ts files (formatting, sorting, grid colouring) so the repo preset runs it as-is.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'console',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts'],
};
