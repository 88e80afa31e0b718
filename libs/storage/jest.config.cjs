module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'storage',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts'],
};
