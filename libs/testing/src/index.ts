export { createTestDatabase, TEST_DATABASE_SERVER_URL, type TestDatabase } from './test-database';
export { freePort, SHIPPED_ACL, startMosquitto, type MosquittoInstance } from './mosquitto';
