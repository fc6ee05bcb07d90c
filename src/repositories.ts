import type { Kysely, Transaction } from 'kysely';
import { createAuditRepository } from './aggregates.js';
import { scopeArgument } from './core/kernel/repository-scope.js';
import type { AuditContext } from './core/audit/audit-context.js';
import {
  createUnitOfWork,
  type RepositoryScope,
  type RepositorySet,
  type UnitOfWork as BoundUnitOfWork,
} from './core/unit-of-work/create-unit-of-work.js';
import { documentsRepositories } from './contexts/documents/repositories.js';
import { identityRepositories } from './contexts/identity/repositories.js';
import { eventsRepositories } from './contexts/events/repositories.js';
import { formsRepositories } from './contexts/forms/repositories.js';
import { workflowsRepositories } from './contexts/workflows/repositories.js';
import type { DB } from './schema/db.js';

/**
 * The package's repository factories, by the name a unit of work offers them under. Spread it
 * into `createUnitOfWork({ ...repositoryFactories, yours })` to add a service's own.
 */
export const repositoryFactories = Object.freeze({
  ...identityRepositories,
  ...documentsRepositories,
  ...eventsRepositories,
  ...formsRepositories,
  ...workflowsRepositories,
  /** The audit trail: entity history and actor activity. */
  audit: (scope: RepositoryScope) => createAuditRepository(scopeArgument(scope).db),
});

/** The package's repository factories (see {@link repositoryFactories}). */
export type PackageRepositoryFactories = typeof repositoryFactories;

/**
 * Every repository over one Kysely instance or transaction with one audit context, each built
 * when first touched, and `transaction(fn)` to run a unit of work with them.
 */
export type Repositories<D extends DB = DB> = RepositorySet<D, PackageRepositoryFactories>;

/**
 * The handle `unitOfWork` passes: the repositories (built on first use, bound to the
 * transaction), `trx` (the Kysely transaction), `tenant` and `context`.
 */
export type UnitOfWork<D extends DB = DB> = BoundUnitOfWork<D, PackageRepositoryFactories>;

const kit = createUnitOfWork(repositoryFactories);

/**
 * Runs `fn` as ONE unit of work: a transaction (or, inside one, a savepoint) with the tenant set,
 * the given isolation level and access mode, retried as a whole on serialization failures and
 * deadlocks when asked, and repositories bound to it that are built only when touched.
 *
 * - Outermost (`db` is a Kysely instance): `BEGIN` (with isolation level and access mode) and,
 *   when `tenant` is given, `select set_config('app.organization_id', '<uuid>', true)` in the
 *   SAME message on an instance made by `createDatabase` (one round trip; other Kysely instances
 *   send `set_config($1)` as the first statement), then `fn`, then `COMMIT`; `ROLLBACK` when `fn`
 *   throws. With `retry`, a 40001/40P01 re-runs the whole of it (the tenant set again), nothing
 *   else is retried. The transaction refuses statements once the unit of work ended
 *   (`TransactionScopeError`).
 * - Nested (`db` is a transaction: `uow.trx`, or a caller's own Kysely transaction):
 *   `SAVEPOINT`, `fn`, `RELEASE`; when `fn` throws, `ROLLBACK TO SAVEPOINT` and the error is
 *   rethrown, so a caller that catches it can carry on in the outer transaction. `tenant`,
 *   `isolationLevel` and `accessMode` must match the outer transaction's; `retry` is refused.
 *   Nested on `uow.trx` it inherits the tenant and audit context (not on a `withPlugin`/
 *   `withSchema` derivative of it: pass `context` there). Await nested units one at a time.
 *
 * @throws ValidationError for bad options (nothing is sent); TransactionScopeError when a nested
 *   unit of work cannot join (another tenant, none, other isolation or access mode, retry);
 *   PostgreSQL errors mapped to `DataError`s; CommitOutcomeUnknownError when the connection was
 *   lost while COMMIT was in flight.
 *
 * @example
 * const client = await unitOfWork(db, { tenant: organizationId, context: { actorUserId }, retry: 3 }, async (uow) => {
 *   const client = await uow.clients.create({ organizationId, code: 'C-1', name: 'First client' });
 *   await uow.documents.create({ clientId: client.id, … });
 *   return client;
 * });
 */
export const unitOfWork = kit.unitOfWork;

/**
 * Creates every repository over `db` (each built when first touched). Pass a Kysely transaction
 * to compose them into a transaction the caller owns. `context` (who acts, request id, IP, user
 * agent) is recorded on every audit row the mutations write.
 *
 * @throws ValidationError for a malformed context.
 */
export function createRepositories<D extends DB>(db: Kysely<D>, context: AuditContext = {}): Repositories<D> {
  return kit.repositories(db, context);
}

/** `fn` of `Repositories.transaction`: the unit of work's repositories and its transaction. */
export type TransactionWork<D extends DB, T> = (tx: UnitOfWork<D>, trx: Transaction<D>) => Promise<T>;
