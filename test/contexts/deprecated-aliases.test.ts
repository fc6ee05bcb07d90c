// The 0.4 names of page-returning methods stay, as deprecated aliases of the page… methods, until 1.0.
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/core/database/create-database.js';
import { createRepositories } from '../../src/repositories.js';

describe('deprecated aliases of 0.4 names', () => {
  it('list… (pages) and clients.searchByMetadata are the page… methods', async () => {
    // Nothing connects: building repositories sends no SQL.
    const db = createDatabase({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const repos = createRepositories(db);
      expect(repos.staffProfileQueries.listPendingQueue).toBe(repos.staffProfileQueries.pagePendingQueue);
      expect(repos.staffProfileQueries.listVerifiedBy).toBe(repos.staffProfileQueries.pageVerifiedBy);
      expect(repos.staffProfileQueries.listExpiringBefore).toBe(repos.staffProfileQueries.pageExpiringBefore);
      expect(repos.audit.listEntityHistory).toBe(repos.audit.pageEntityHistory);
      expect(repos.audit.listActorActivity).toBe(repos.audit.pageActorActivity);
      expect(repos.clients.listByOrganization).toBe(repos.clients.pageByOrganization);
      expect(repos.clients.searchByMetadata).toBe(repos.clients.pageByMetadata);
    } finally {
      await db.destroy();
    }
  });
});
