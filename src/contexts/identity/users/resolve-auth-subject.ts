// The bootstrap lookup: which user, and so which tenant, an identity-provider subject belongs
// to, for the application role before any tenant is set. Through the lookup policy
// user_auth_subject_lookup (migration 20261204100000): the transaction-local setting holds the
// subject while one statement reads, then is cleared.
import { sql, type Kysely } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { AUTH_SUBJECT_LOOKUP_SETTING } from '../../../core/tenancy/lookup-policies.js';
import { TENANT_SETTING } from '../../../core/tenancy/tenant-setting.js';
import { TransactionScopeError } from '../../../core/errors/transaction-scope-error.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { DB } from '../../../schema/db.js';
import { AuthSubjectSchema } from './user.inputs.js';

/** Whom a subject belongs to. */
export interface ResolvedAuthSubject {
  /** The user. */
  readonly userId: string;
  /** The user's organization: the tenant to scope the request's unit of work to. */
  readonly organizationId: string;
  /** Whether the user may act (`users.is_active`); an inactive user is still resolved, to say so. */
  readonly isActive: boolean;
}

/** Sets the subject to look up; returns the tenant already set, if any. */
const startLookup = compiledQuery((db, p: { subject: string }) =>
  compilableSql(
    db,
    sql<{ tenant: string | null }>`SELECT set_config(${sql.lit(AUTH_SUBJECT_LOOKUP_SETTING)}, ${p.subject}::text, true) AS lookup,
      nullif(current_setting(${sql.lit(TENANT_SETTING)}, true), '') AS tenant`,
  ),
);

/** The live user with the subject (through the lookup policy), its organization then set as the tenant to read it. */
const lookupUser = compiledQuery((db, p: { subject: string }) =>
  compilableSql(
    db,
    sql<{ userId: string; organizationId: string; isActive: boolean }>`
      SELECT u.id AS "userId", u.organization_id AS "organizationId", u.is_active AS "isActive",
        set_config(${sql.lit(TENANT_SETTING)}, u.organization_id::text, true) AS tenant
      FROM users u WHERE u.auth_subject = ${p.subject}::text AND u.deleted_at IS NULL`,
  ),
);

/** Whether the organization is live (read as its tenant). */
const organizationLive = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<{ live: boolean }>`SELECT deleted_at IS NULL AS live FROM organizations WHERE id = ${p.id}::uuid`),
);

/** Clears both settings (a caller's transaction goes on as it was: no tenant, no lookup). */
const endLookup = compiledQuery((db, _: Record<string, never>) =>
  compilableSql(
    db,
    sql`SELECT set_config(${sql.lit(AUTH_SUBJECT_LOOKUP_SETTING)}, '', true), set_config(${sql.lit(TENANT_SETTING)}, '', true)`,
  ),
);

const { resolve } = withErrorMapping({
  async resolve(database: Kysely<DB>, subject: string): Promise<ResolvedAuthSubject | undefined> {
    const db = asPackageDatabase(database);
    const key = parseInput(AuthSubjectSchema, subject, 'subject');
    const read = async (trx: Kysely<DB>, own: boolean): Promise<ResolvedAuthSubject | undefined> => {
      const [started] = await startLookup(trx, { subject: key });
      if (started?.tenant) {
        await startLookup(trx, { subject: '' }); // the lookup cleared, the caller's tenant kept
        throw new TransactionScopeError('resolveAuthSubject runs before a tenant is set: the transaction is scoped to an organization');
      }
      try {
        const [user] = await lookupUser(trx, { subject: key });
        if (!user) return undefined;
        const [organization] = await organizationLive(trx, { id: user.organizationId });
        return organization?.live ? { userId: user.userId, organizationId: user.organizationId, isActive: user.isActive } : undefined;
      } finally {
        if (!own) await endLookup(trx, {}).catch(() => undefined);
      }
    };
    return db.isTransaction ? read(db, false) : runUnitOfWork(db, resolveUnitOfWorkOptions(undefined), ({ trx }) => read(trx, true));
  },
});


/**
 * The live user an identity-provider subject belongs to, and its organization (the tenant), or
 * `undefined` when no live user of a live organization has it. Works for the application role
 * with no tenant set (that is what it is for: the first step of a request); on a Kysely instance
 * it runs in a transaction of its own (BEGIN, three statements, COMMIT), in a caller's
 * transaction without a tenant it joins it and leaves it as it found it. It sees the one user
 * with that subject and nothing else: the lookup policy matches the subject alone, for SELECT;
 * the organization is read with its id set as the tenant, and both settings are cleared after.
 *
 * @throws ValidationError when `subject` is not a subject (1–255 characters).
 * @throws TransactionScopeError in a transaction that already has a tenant.
 */
export function resolveAuthSubject<D extends DB>(db: Kysely<D>, subject: string): Promise<ResolvedAuthSubject | undefined> {
  return resolve(db as unknown as Kysely<DB>, subject);
}
