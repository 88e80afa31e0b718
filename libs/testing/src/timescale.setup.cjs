// Points a test file at TimescaleDB (jest.databases.cjs): createTestDatabase() then creates its database there.
// Without TEST_TIMESCALE_URL the file fails with a reason instead of quietly testing plain PostgreSQL again.
const url = process.env.TEST_TIMESCALE_URL;
if (!url) {
  throw new Error(
    'TEST_TIMESCALE_URL is not set: run `npm test` (it starts TimescaleDB), or ' +
      '`bash ../shared/timescaledb/start-cluster.sh` and export TEST_TIMESCALE_URL=<the URL it prints>',
  );
}
process.env.TEST_DATABASE_URL = url;
process.env.TEST_DATABASE_FLAVOUR = 'timescaledb';
