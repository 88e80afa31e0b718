// Integration tests run twice: on plain PostgreSQL and on TimescaleDB (jest.databases.cjs).
module.exports = require('../../jest.databases.cjs')({
  ...require('../../jest.preset.cjs'),
  displayName: 'scorer',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
});
