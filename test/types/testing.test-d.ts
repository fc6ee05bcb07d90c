// Type tests of `@org/data/testing` (entry: src/testing/index.ts, package.json exports
// "./testing").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB } from '../../src/index.js';
import {
  createTestDatabase,
  startPostgresServer,
  type CreateTestDatabaseOptions,
  type PostgresServer,
  type TestDatabase,
} from '../../src/testing/index.js';

describe('@org/data/testing', () => {
  it('createTestDatabase takes optional options and resolves to a database with a Kysely<DB>', () => {
    expectTypeOf(createTestDatabase).parameters.toEqualTypeOf<[options?: CreateTestDatabaseOptions]>();
    expectTypeOf(createTestDatabase).returns.toEqualTypeOf<Promise<TestDatabase>>();
    expectTypeOf<TestDatabase['db']>().toEqualTypeOf<Kysely<DB>>();
    expectTypeOf<TestDatabase['dispose']>().toEqualTypeOf<(options?: { readonly keep?: boolean }) => Promise<void>>();
  });

  it('startPostgresServer resolves to a server that can be stopped', () => {
    expectTypeOf(startPostgresServer).returns.toEqualTypeOf<Promise<PostgresServer>>();
    expectTypeOf<PostgresServer['stop']>().returns.toEqualTypeOf<Promise<void>>();
  });
});
