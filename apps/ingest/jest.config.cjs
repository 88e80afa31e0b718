module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'ingest-app',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts'],
};
