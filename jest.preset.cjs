// Shared jest settings: swc for speed (no type-checking here; `npm run typecheck` does that),
// and the tsconfig path aliases so tests import libs exactly as production code does.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.integration-spec.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  // Integration tests start real servers and databases on a 2-core machine; a slow start under load is
  // not a failure (no test asserts on time: speed is measured by the benchmarks).
  testTimeout: 30_000,
};
