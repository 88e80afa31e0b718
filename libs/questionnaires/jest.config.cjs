module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'questionnaires',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
};
