// Runs a project's integration tests on both database servers CI has (SPEC §2): the plain PostgreSQL on 5432
// (TEST_DATABASE_URL) and TimescaleDB on 5433 (TEST_TIMESCALE_URL, set by `npm test`, tools/test-services.mjs).
// The TimescaleDB run is a second jest project with its own display name, so its results read apart in the log.
const path = require('node:path');

/** Wraps one jest project config into `{ projects: [plain PostgreSQL, TimescaleDB] }`. */
module.exports = function onBothDatabases(config) {
  // Coverage reporters belong to the root of a multi-project config.
  const { coverageReporters, ...base } = config;
  const timescale = {
    ...base,
    displayName: `${base.displayName}:timescaledb`,
    // `*.timescale-spec.ts`: tests of TimescaleDB alone (its detection, hypertables), run in this project only.
    testMatch: ['<rootDir>/test/**/*.integration-spec.ts', '<rootDir>/test/**/*.timescale-spec.ts'],
    setupFiles: [...(base.setupFiles ?? []), path.join(__dirname, 'libs/testing/src/timescale.setup.cjs')],
  };
  const plain = {
    ...base,
    setupFiles: [...(base.setupFiles ?? []), path.join(__dirname, 'libs/testing/src/postgres.setup.cjs')],
  };
  // testTimeout is a global option: inside a project jest ignores it.
  return { coverageReporters, testTimeout: base.testTimeout, projects: [plain, timescale] };
};
