module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'simulator',
  rootDir: __dirname,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts'],
};
