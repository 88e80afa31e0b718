export { createTestDatabase, TEST_DATABASE_SERVER_URL, type TestDatabase } from './test-database';
