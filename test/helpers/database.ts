import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type CreateTestDatabaseOptions, type TestDatabase } from '../../src/testing/test-database.js';

/**
 * Gives the calling test file a fresh database, created before its tests and dropped after.
 * Read `.current` inside tests and hooks.
 */
export function useTestDatabase(options: CreateTestDatabaseOptions = {}): { readonly current: TestDatabase } {
  const holder: { current: TestDatabase | undefined } = { current: undefined };
  beforeAll(async () => {
    holder.current = await createTestDatabase(options);
  });
  afterAll(async () => {
    await holder.current?.dispose();
  });
  return {
    get current(): TestDatabase {
      if (!holder.current) throw new Error('test database not ready');
      return holder.current;
    },
  };
}
