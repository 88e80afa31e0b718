export {
  createTestDatabase,
  TEST_DATABASE_FLAVOUR,
  TEST_DATABASE_SERVER_URL,
  type TestDatabase,
  type TestDatabaseFlavour,
} from './test-database';
export { freePort, SHIPPED_ACL, startMosquitto, type MosquittoInstance } from './mosquitto';
export { startPartitionProxy, type PartitionProxy } from './partition-proxy';
export {
  startPrivateTimescaleCluster,
  timescaleBinDir,
  type PrivateClusterSettings,
  type PrivateTimescaleCluster,
} from './private-timescale';
