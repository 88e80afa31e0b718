module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'vigil',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts', '!src/cli.ts'],
};
