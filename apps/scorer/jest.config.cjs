module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'scorer-app',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts'],
};
