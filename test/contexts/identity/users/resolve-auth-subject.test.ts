// resolveAuthSubject as the application role with no tenant set (issue 12): the one user with the
// subject, and nothing more; the lookup policy neither widens reads nor allows writes.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAuthSubject } from '../../../../src/contexts/identity/users/resolve-auth-subject.js';
import { TransactionScopeError } from '../../../../src/core/errors/transaction-scope-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, unitOfWork, type Repositories } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { anOrganization } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';

describe('resolveAuthSubject', () => {
  const testDb = useTestDatabase({ seed: true });
  let app: Kysely<DB>;
  let system: Repositories;
  let organizationId: string;

  const register = async (org = organizationId) => {
    const subject = `idp|${randomUUID()}`;
    const { user } = await system.users.register({ organizationId: org, authSubject: subject, email: `${randomUUID().slice(0, 8)}@example.com`, fullName: 'Sub Ject' });
    return { subject, userId: user.id };
  };
  const visibleUsers = (db: Kysely<DB>) => sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db).then((r) => r.rows[0]!.n);

  beforeAll(async () => {
    app = testDb.current.app;
    system = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(system)).id;
  });

  it('finds the user and organization of a subject as the application role without a tenant; unknown subjects give undefined', async () => {
    const { subject, userId } = await register();
    expect(await visibleUsers(app)).toBe(0); // no tenant: no user, as before
    expect(await resolveAuthSubject(app, subject)).toEqual({ userId, organizationId, isActive: true });
    expect(await resolveAuthSubject(app, `idp|${randomUUID()}`)).toBeUndefined();
    // The application role's own lookup through the repository still sees nothing without a tenant.
    expect(await createRepositories(app).users.findByAuthSubject(subject)).toBeUndefined();
  });

  it('inactive users are resolved (to say so); soft-deleted users and users of deleted organizations are not', async () => {
    const inactive = await register();
    await system.users.deactivate(inactive.userId);
    expect(await resolveAuthSubject(app, inactive.subject)).toMatchObject({ userId: inactive.userId, isActive: false });
    const deleted = await register();
    await system.users.softDelete(deleted.userId);
    expect(await resolveAuthSubject(app, deleted.subject)).toBeUndefined();
    const gone = (await anOrganization(system)).id;
    const ofGone = await register(gone);
    await system.organizations.softDelete(gone);
    expect(await resolveAuthSubject(app, ofGone.subject)).toBeUndefined();
  });

  it('in a caller’s transaction: joins it, and the transaction sees no user afterwards; the policy allows no write', async () => {
    const { subject, userId } = await register();
    await unitOfWork(app, {}, async (uow) => {
      expect(await resolveAuthSubject(uow.trx, subject)).toMatchObject({ userId });
      expect(await visibleUsers(uow.trx)).toBe(0);
      // Even with the setting set by hand, the row is readable, not writable.
      await sql`SELECT set_config('app.auth_subject_lookup', ${subject}, true)`.execute(uow.trx);
      expect(await visibleUsers(uow.trx)).toBe(1);
      const updated = await sql`UPDATE users SET is_active = false WHERE auth_subject = ${subject}`.execute(uow.trx);
      expect(Number(updated.numAffectedRows)).toBe(0);
      // An empty setting matches nothing.
      await sql`SELECT set_config('app.auth_subject_lookup', '', true)`.execute(uow.trx);
      expect(await visibleUsers(uow.trx)).toBe(0);
    });
    expect((await system.users.findById(userId))?.isActive).toBe(true);
    // In a transaction scoped to a tenant it refuses, and leaves the tenant as it was.
    await unitOfWork(app, { tenant: organizationId }, async (uow) => {
      await expect(resolveAuthSubject(uow.trx, subject)).rejects.toBeInstanceOf(TransactionScopeError);
      expect(await visibleUsers(uow.trx)).toBeGreaterThan(0);
    });
  });

  it('a subject that is not one is a ValidationError, before any statement', async () => {
    for (const bad of ['', 'x'.repeat(256), 42, null, undefined, 'a\u0000b']) {
      await expect(resolveAuthSubject(app, bad as never)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(resolveAuthSubject({} as never, 'idp|x')).rejects.toBeInstanceOf(ValidationError);
  });
});
